// F2 benchmark: replays a 1080p corpus file (raw BGRX frames, zstd --long=31), finds the 64x64
// cells that changed since the previous frame, encodes them with tile_encoder, and reports per
// changed frame the bytes on the wire and the encoder's CPU time. Every frame is decoded with
// apply_frame into a model screen and compared with the source, so the numbers are for a
// verified lossless round trip.
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "codec/tile_codec.hpp"
#include "protocol/message.hpp"

namespace {

using namespace visit;

constexpr int width = 1920, height = 1080;
constexpr std::size_t frame_bytes = std::size_t{width} * height * 4;

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Streams whole frames out of a zstd file.
class frame_reader {
 public:
  explicit frame_reader(const char* path)
      : file_(std::fopen(path, "rb")), dctx_(ZSTD_createDCtx()) {
    ZSTD_DCtx_setParameter(dctx_, ZSTD_d_windowLogMax, 31);
    in_buf_.resize(ZSTD_DStreamInSize());
  }
  ~frame_reader() {
    if (file_) std::fclose(file_);
    ZSTD_freeDCtx(dctx_);
  }
  frame_reader(const frame_reader&) = delete;
  frame_reader& operator=(const frame_reader&) = delete;
  bool ok() const { return file_ != nullptr; }

  // Fills `out` (frame_bytes) with the next frame; false at the end of the file or on error.
  bool next(std::uint8_t* out) {
    ZSTD_outBuffer ob{out, frame_bytes, 0};
    while (ob.pos < ob.size) {
      if (in_.pos == in_.size) {
        std::size_t n = std::fread(in_buf_.data(), 1, in_buf_.size(), file_);
        if (n == 0) return false;
        in_ = {in_buf_.data(), n, 0};
      }
      std::size_t rc = ZSTD_decompressStream(dctx_, &ob, &in_);
      if (ZSTD_isError(rc)) {
        std::fprintf(stderr, "zstd: %s\n", ZSTD_getErrorName(rc));
        return false;
      }
    }
    return true;
  }

 private:
  std::FILE* file_;
  ZSTD_DCtx* dctx_;
  std::vector<std::uint8_t> in_buf_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
};

bool cell_changed(const std::uint8_t* a, const std::uint8_t* b, int x, int y) {
  const int w = std::min(64, width - x), h = std::min(64, height - y);
  const std::size_t stride = std::size_t{width} * 4;
  for (int r = 0; r < h; ++r) {
    std::size_t off = (std::size_t{static_cast<unsigned>(y + r)}) * stride +
                      std::size_t{static_cast<unsigned>(x)} * 4;
    if (std::memcmp(a + off, b + off, std::size_t{static_cast<unsigned>(w)} * 4) != 0) return true;
  }
  return false;
}

bool same_colours(const std::vector<std::uint8_t>& a, const std::uint8_t* b) {
  for (std::size_t i = 0; i < a.size(); i += 4) {
    if (a[i] != b[i] || a[i + 1] != b[i + 1] || a[i + 2] != b[i + 2]) return false;
  }
  return true;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

struct totals {
  int frames = 0, changed = 0;
  std::vector<double> bytes, cpu_ms, tiles;
  codec::encoder_stats mix;
  double full_bytes = 0, full_ms = 0;
  bool lossless = true;
};

totals run(const char* path, const codec::encoder_options& options, bool verify) {
  totals t;
  frame_reader reader(path);
  if (!reader.ok()) {
    std::fprintf(stderr, "cannot open %s\n", path);
    std::exit(1);
  }
  std::vector<std::uint8_t> prev(frame_bytes), cur(frame_bytes);
  frame_buffer model(width, height);
  codec::tile_encoder enc(options);
  std::vector<std::uint8_t> records;
  std::vector<std::pair<int, int>> dirty;
  std::uint32_t sequence = 1;

  auto encode_and_check = [&](const std::vector<std::pair<int, int>>& cells, double& ms) {
    records.clear();
    frame_view view{cur.data(), width, height, width * 4};
    double start = thread_cpu_ms();
    for (auto [x, y] : cells) enc.encode(view, x, y, records);
    ms = thread_cpu_ms() - start;
    auto msg =
        protocol::make_frame(sequence++, 0, static_cast<std::uint16_t>(cells.size()), records);
    if (verify) {
      auto m = protocol::parse_message(msg);
      auto tiles = m ? protocol::parse_frame(m->payload, width, height)
                     : boost::system::result<std::vector<protocol::tile_view>>(m.error());
      if (!tiles || !codec::apply_frame(*tiles, model) || !same_colours(model.pixels, cur.data())) {
        t.lossless = false;
      }
    }
    return msg.size();
  };

  if (!reader.next(cur.data())) return t;
  ++t.frames;
  std::vector<std::pair<int, int>> all;
  for (int y = 0; y < height; y += 64)
    for (int x = 0; x < width; x += 64) all.push_back({x, y});
  t.full_bytes = static_cast<double>(encode_and_check(all, t.full_ms));
  codec::encoder_stats before = enc.stats();

  for (;;) {
    std::swap(prev, cur);
    if (!reader.next(cur.data())) break;
    ++t.frames;
    dirty.clear();
    for (auto [x, y] : all)
      if (cell_changed(prev.data(), cur.data(), x, y)) dirty.push_back({x, y});
    if (dirty.empty()) continue;
    ++t.changed;
    double ms = 0;
    t.bytes.push_back(static_cast<double>(encode_and_check(dirty, ms)));
    t.cpu_ms.push_back(ms);
    t.tiles.push_back(static_cast<double>(dirty.size()));
  }
  const auto& after = enc.stats();
  t.mix = {after.tiles - before.tiles, after.solid - before.solid, after.raw - before.raw,
           after.palette - before.palette, after.bytes_out - before.bytes_out};
  return t;
}

void usage() {
  std::fprintf(
      stderr,
      "usage: codec_bench [--zlib] [--level 1..9] [--strategy normal|rle|huffman] [--mem-level "
      "1..9]\n"
      "                   [--window 9..15] [--repeat N] [--no-verify] corpus.raw.zst...\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  codec::encoder_options options;
  bool verify = true;
  int repeat = 1;
  std::vector<const char*> files;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&] {
      if (i + 1 >= argc) usage();
      return std::atoi(argv[++i]);
    };
    if (a == "--zlib") {
      options.engine = codec::encoder_options::deflater::zlib;
    } else if (a == "--level") {
      options.engine = codec::encoder_options::deflater::zlib;
      options.level = value();
    } else if (a == "--mem-level") {
      options.mem_level = value();
    } else if (a == "--window") {
      options.window_bits = value();
    } else if (a == "--repeat") {
      repeat = std::max(1, value());
    } else if (a == "--no-verify") {
      verify = false;
    } else if (a == "--strategy") {
      if (i + 1 >= argc) usage();
      options.engine = codec::encoder_options::deflater::zlib;
      std::string_view s = argv[++i];
      options.mode = s == "rle"       ? codec::encoder_options::strategy::rle
                     : s == "huffman" ? codec::encoder_options::strategy::huffman_only
                                      : codec::encoder_options::strategy::normal;
    } else if (a.starts_with("--")) {
      usage();
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty()) usage();

  if (options.engine == codec::encoder_options::deflater::zlib) {
    std::printf("deflate: zlib level %d, strategy %d, mem_level %d, window %d\n", options.level,
                static_cast<int>(options.mode), options.mem_level, options.window_bits);
  } else {
    std::printf("deflate: builtin (codec/deflate_encoder)\n");
  }
  std::printf("%-18s %8s %10s %10s %10s %9s %9s %9s %7s  %-28s %s\n", "file", "changed",
              "med bytes", "mean bytes", "p90 bytes", "med ms", "mean ms", "p90 ms", "tiles",
              "mix solid/palette/raw %", "lossless");
  for (const char* f : files) {
    // With --repeat, CPU is the per-frame minimum over runs (less noise on a shared machine).
    totals t = run(f, options, verify);
    for (int r = 1; r < repeat; ++r) {
      totals again = run(f, options, false);
      for (std::size_t i = 0; i < t.cpu_ms.size() && i < again.cpu_ms.size(); ++i)
        t.cpu_ms[i] = std::min(t.cpu_ms[i], again.cpu_ms[i]);
    }
    std::string name = f;
    name = name.substr(name.find_last_of('/') + 1);
    double n = static_cast<double>(std::max<std::uint64_t>(1, t.mix.tiles));
    char mix[64];
    std::snprintf(mix, sizeof mix, "%.0f/%.0f/%.0f", 100.0 * static_cast<double>(t.mix.solid) / n,
                  100.0 * static_cast<double>(t.mix.palette) / n,
                  100.0 * static_cast<double>(t.mix.raw) / n);
    std::printf("%-18s %4d/%-3d %10.0f %10.0f %10.0f %9.3f %9.3f %9.3f %7.1f  %-28s %s\n",
                name.c_str(), t.changed, t.frames - 1, median(t.bytes), mean(t.bytes),
                percentile(t.bytes, 0.9), median(t.cpu_ms), mean(t.cpu_ms),
                percentile(t.cpu_ms, 0.9), median(t.tiles), mix,
                verify ? (t.lossless ? "yes" : "NO") : "not checked");
    std::printf("%-18s full first frame: %.0f bytes, %.2f ms\n", "", t.full_bytes, t.full_ms);
  }
  return 0;
}
