# capture_bench: F1 of shared/design/TESTING.md — capture + change detection per 1080p frame,
# live under its own Xvfb, and the differ alone over the recorded corpus. Run it on an idle
# machine; it prints a table of medians (the figures in docs/performance.md, F1 section).
if(TARGET visit_capture AND X11LIBS_FOUND)
  find_program(VISIT_XVFB_EXECUTABLE Xvfb)
  set(VISIT_CORPUS_DIR "${PROJECT_SOURCE_DIR}/../shared/corpus" CACHE PATH
      "Folder of the recorded 1080p sequences (*.raw.zst)")
  add_executable(capture_bench
    ${CMAKE_CURRENT_LIST_DIR}/capture_bench.cpp
    ${PROJECT_SOURCE_DIR}/tests/capture/xvfb_server.cpp
    ${PROJECT_SOURCE_DIR}/tests/capture/x_test_client.cpp
  )
  target_include_directories(capture_bench PRIVATE ${PROJECT_SOURCE_DIR}/tests/capture)
  target_compile_definitions(capture_bench PRIVATE
    VISIT_CORPUS_DIR="${VISIT_CORPUS_DIR}"
    $<$<BOOL:${VISIT_XVFB_EXECUTABLE}>:VISIT_XVFB_PATH="${VISIT_XVFB_EXECUTABLE}">)
  target_link_libraries(capture_bench
    PRIVATE visit_capture visit_warnings PkgConfig::ZSTD PkgConfig::X11LIBS Threads::Threads)
endif()
