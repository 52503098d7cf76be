// F1 (shared/design/TESTING.md): capture + change detection per 1080p frame.
//
//  (a) live, under Xvfb 1920x1080x24 (its own, or --display=:N): a client draws, the
//      capturer captures; wall and CPU time of capture() per frame, for a small change (the
//      target case), a still screen, a large change, a forced full frame, and the peers'
//      method (no DAMAGE: whole-screen grab + memcmp of every 64x64 cell);
//  (b) the differ alone over shared/corpus (*.raw.zst: 90 frames of 1920x1080 BGRX each),
//      once with no damage hints (every cell compared) and once with exact hints.
//
// Usage: capture_bench [--display=:N] [--corpus=DIR] [--frames=N] [--no-live] [--no-corpus]
#include <time.h>
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "capture/differ.hpp"
#include "capture/screen_capturer.hpp"
#include "x_test_client.hpp"
#include "xvfb_server.hpp"

namespace {

using namespace visit;
using namespace visit::capture;
using namespace std::chrono_literals;

double now_ms(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

struct samples {
  std::vector<double> wall_ms, cpu_ms, cells;
  void add(double wall, double cpu, std::size_t changed) {
    wall_ms.push_back(wall);
    cpu_ms.push_back(cpu);
    cells.push_back(static_cast<double>(changed));
  }
};

void print_row(const char* name, const samples& s) {
  std::printf("| %-44s | %5zu | %8.3f | %8.3f | %8.3f | %7.1f |\n", name, s.wall_ms.size(),
              percentile(s.wall_ms, 0.5), percentile(s.wall_ms, 0.9), percentile(s.cpu_ms, 0.5),
              mean(s.cells));
}

// One timed capture() on the calling thread.
bool timed_capture(screen_capturer& capturer, bool full, samples& out) {
  captured_frame frame;
  const double cpu0 = now_ms(CLOCK_THREAD_CPUTIME_ID), wall0 = now_ms(CLOCK_MONOTONIC);
  const capture_result r = capturer.capture(frame, full);
  const double wall1 = now_ms(CLOCK_MONOTONIC), cpu1 = now_ms(CLOCK_THREAD_CPUTIME_ID);
  if (r != capture_result::success) return false;
  out.add(wall1 - wall0, cpu1 - cpu0, frame.changed_cells.size());
  return true;
}

int run_live(const std::string& display_arg, int frames) {
  constexpr int width = 1920, height = 1080;
  std::unique_ptr<test::xvfb_server> server;
  std::string display = display_arg, error;
  if (display.empty()) {
    server = test::xvfb_server::start(width, height, error);
    if (!server) {
      std::fprintf(stderr, "capture_bench: %s\n", error.c_str());
      return 1;
    }
    display = server->display();
  }
  test::x_test_client client(display, width, height);
  auto capturer = make_screen_capturer(display, error);
  capturer_options polling;
  polling.use_damage = false;
  auto peer = make_screen_capturer(display, polling, error);
  if (!client.ok() || !capturer || !peer) {
    std::fprintf(stderr, "capture_bench: cannot capture %s: %s\n", display.c_str(), error.c_str());
    return 1;
  }
  // Something other than black, so that memcmp has real pixels to compare.
  for (int i = 0; i < 12; ++i) {
    client.fill({i * 160, 0, 160, height}, 0x203040u + static_cast<std::uint32_t>(i) * 0x0a0b0cu);
  }
  client.sync();
  captured_frame frame;
  capturer->capture(frame, true);
  peer->capture(frame, true);
  (void)capturer->cursor_if_changed();

  // A typed word: a 120x24 area of one text line changes per frame, moving along the line.
  const auto small_change = [&](int i) {
    client.fill({200 + (i % 40) * 30, 500 + (i / 40 % 10) * 24, 120, 24},
                i % 2 ? 0xe0e0e0u : 0x101010u);
    client.sync();
  };
  // A window of 800x500 repainted (about 19 % of the screen).
  const auto large_change = [&](int i) {
    client.fill({300 + i % 7, 200, 800, 500}, i % 2 ? 0x405060u : 0x605040u);
    client.sync();
  };

  samples active, still, large, full, peer_active, peer_still;
  int failures = 0;
  for (int i = 0; i < frames; ++i) {
    small_change(i);
    if (!capturer->wait_for_change(1s)) ++failures;
    if (!timed_capture(*capturer, false, active)) ++failures;
  }
  for (int i = 0; i < frames; ++i) {
    if (!timed_capture(*capturer, false, still)) ++failures;
  }
  for (int i = 0; i < frames; ++i) {
    large_change(i);
    if (!capturer->wait_for_change(1s)) ++failures;
    if (!timed_capture(*capturer, false, large)) ++failures;
  }
  for (int i = 0; i < frames; ++i) {
    if (!timed_capture(*capturer, true, full)) ++failures;
  }
  for (int i = 0; i < frames; ++i) {
    small_change(i);
    if (!timed_capture(*peer, false, peer_active)) ++failures;
  }
  for (int i = 0; i < frames; ++i) {
    if (!timed_capture(*peer, false, peer_still)) ++failures;
  }
  // Drain what the peer phase left behind, then wait on a still screen.
  capturer->capture(frame, false);
  const double idle_cpu0 = now_ms(CLOCK_PROCESS_CPUTIME_ID), idle_wall0 = now_ms(CLOCK_MONOTONIC);
  const bool idle_woke = capturer->wait_for_change(1000ms);
  const double idle_cpu = now_ms(CLOCK_PROCESS_CPUTIME_ID) - idle_cpu0;
  const double idle_wall = now_ms(CLOCK_MONOTONIC) - idle_wall0;

  std::printf("\n## F1 (a) live capture under Xvfb %dx%dx24 (%s), %d frames per row\n\n", width,
              height, display.c_str(), frames);
  std::printf("| %-44s | %5s | %8s | %8s | %8s | %7s |\n", "capture() per frame", "n", "p50 ms",
              "p90 ms", "cpu p50", "cells");
  std::printf("|%s|------:|---------:|---------:|---------:|--------:|\n",
              std::string(46, '-').c_str());
  print_row("damage: small change (120x24, typing)", active);
  print_row("damage: nothing changed", still);
  print_row("damage: large change (800x500 window)", large);
  print_row("damage: full=true (whole grab + copy)", full);
  print_row("peer method: grab all + memcmp, small change", peer_active);
  print_row("peer method: grab all + memcmp, still", peer_still);
  std::printf("\nratio peer/ours, small change (p50 wall): %.1fx; still: %.0fx\n",
              percentile(peer_active.wall_ms, 0.5) / percentile(active.wall_ms, 0.5),
              percentile(peer_still.wall_ms, 0.5) / std::max(1e-6, percentile(still.wall_ms, 0.5)));
  std::printf("idle wait_for_change(1000 ms): returned %s after %.0f ms, process CPU %.3f ms\n",
              idle_woke ? "true" : "false", idle_wall, idle_cpu);
  if (failures) std::printf("WARNING: %d captures or waits failed\n", failures);
  return failures ? 1 : 0;
}

// Reads a zstd stream of back-to-back raw frames, one frame at a time.
class frame_reader {
 public:
  frame_reader(const std::string& path, std::size_t frame_bytes)
      : file_(std::fopen(path.c_str(), "rb")),
        stream_(ZSTD_createDStream()),
        in_buffer_(ZSTD_DStreamInSize()),
        frame_(frame_bytes) {
    ZSTD_DCtx_setParameter(stream_, ZSTD_d_windowLogMax, 31);  // written with --long=31
  }
  ~frame_reader() {
    if (file_) std::fclose(file_);
    ZSTD_freeDStream(stream_);
  }
  bool ok() const { return file_ != nullptr; }
  // The next frame, or null at the end (or on a damaged stream).
  const std::uint8_t* next() {
    ZSTD_outBuffer out{frame_.data(), frame_.size(), 0};
    while (out.pos < out.size) {
      if (in_.pos == in_.size) {
        in_.size = std::fread(in_buffer_.data(), 1, in_buffer_.size(), file_);
        in_.pos = 0;
        in_.src = in_buffer_.data();
        if (in_.size == 0) return nullptr;
      }
      if (ZSTD_isError(ZSTD_decompressStream(stream_, &out, &in_))) return nullptr;
    }
    return frame_.data();
  }

 private:
  std::FILE* file_;
  ZSTD_DStream* stream_;
  std::vector<std::uint8_t> in_buffer_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  std::vector<std::uint8_t> frame_;
};

int run_corpus(const std::string& folder) {
  constexpr int width = 1920, height = 1080;
  constexpr std::size_t frame_bytes = std::size_t{width} * height * 4;
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().string();
    if (name.size() > 8 && name.ends_with(".raw.zst")) files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "capture_bench: no *.raw.zst in %s\n", folder.c_str());
    return 1;
  }
  std::printf("\n## F1 (b) differ alone over %s (1920x1080, per frame after the first)\n\n",
              folder.c_str());
  std::printf("| %-16s | %6s | %7s | %11s | %11s | %11s | %11s | %9s |\n", "file", "frames",
              "changed", "all p50 ms", "all p90 ms", "chg p50 ms", "hinted p50", "cells/chg");
  std::printf(
      "|------------------|-------:|--------:|------------:|------------:|------------:|"
      "------------:|----------:|\n");
  const rect whole{0, 0, width, height};
  for (const std::string& path : files) {
    frame_reader reader(path, frame_bytes);
    if (!reader.ok()) continue;
    differ unhinted, hinted;
    std::vector<rect> changed, changed_hinted;
    std::vector<double> all_ms, changed_ms, hinted_ms, cells;
    int frames = 0, changed_frames = 0, mismatches = 0;
    while (const std::uint8_t* pixels = reader.next()) {
      const frame_view view{pixels, width, height, width * 4};
      if (frames++ == 0) {
        unhinted.diff(view, {}, true, changed);
        hinted.diff(view, {}, true, changed_hinted);
        continue;
      }
      // No hints: every one of the 510 cells compared (what polling peers do).
      double t0 = now_ms(CLOCK_MONOTONIC);
      unhinted.diff(view, {&whole, 1}, false, changed);
      all_ms.push_back(now_ms(CLOCK_MONOTONIC) - t0);
      // Exact hints (what XDamage gives at best): only the cells that changed.
      t0 = now_ms(CLOCK_MONOTONIC);
      hinted.diff(view, changed, false, changed_hinted);
      const double hinted_time = now_ms(CLOCK_MONOTONIC) - t0;
      if (changed_hinted != changed) ++mismatches;
      if (!changed.empty()) {
        ++changed_frames;
        changed_ms.push_back(all_ms.back());
        hinted_ms.push_back(hinted_time);
        cells.push_back(static_cast<double>(changed.size()));
      }
    }
    const std::string name = std::filesystem::path(path).filename().string();
    std::printf("| %-16s | %6d | %7d | %11.3f | %11.3f | %11.3f | %11.4f | %9.1f |\n", name.c_str(),
                frames, changed_frames, percentile(all_ms, 0.5), percentile(all_ms, 0.9),
                percentile(changed_ms, 0.5), percentile(hinted_ms, 0.5), mean(cells));
    if (mismatches) std::printf("WARNING: hinted and unhinted differ on %d frames\n", mismatches);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string display, corpus = VISIT_CORPUS_DIR;
  int frames = 300;
  bool live = true, recorded = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.starts_with("--display=")) {
      display = a.substr(10);
    } else if (a.starts_with("--corpus=")) {
      corpus = a.substr(9);
    } else if (a.starts_with("--frames=")) {
      frames = std::max(1, std::atoi(a.c_str() + 9));
    } else if (a == "--no-live") {
      live = false;
    } else if (a == "--no-corpus") {
      recorded = false;
    } else {
      std::fprintf(stderr,
                   "usage: capture_bench [--display=:N] [--corpus=DIR] [--frames=N] [--no-live] "
                   "[--no-corpus]\n");
      return 2;
    }
  }
  int rc = 0;
  if (live) rc |= run_live(display, frames);
  if (recorded) rc |= run_corpus(corpus);
  return rc;
}
