# F2: encoder bytes and CPU per changed frame on the desktop corpus (docs/performance.md).
#   codec_bench /work/shared/corpus/typing.raw.zst [--level N --strategy normal|rle|huffman ...]
if(TARGET visit_codec)
  add_executable(codec_bench ${CMAKE_CURRENT_LIST_DIR}/codec_bench.cpp)
  target_link_libraries(codec_bench PRIVATE visit_codec PkgConfig::ZSTD visit_warnings)
endif()
