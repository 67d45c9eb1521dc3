// A small, portable pseudo-random generator for rota-gen.
//
// std:: distributions are implementation-defined (libstdc++ and libc++ give
// different numbers for the same engine), so rota-gen uses xoshiro256**
// seeded through SplitMix64 (Blackman & Vigna, "Scrambled linear pseudorandom
// number generators", 2021) and hand-written distributions that use only
// integer arithmetic and IEEE-exact double operations (+, -, *, /, no libm),
// so the same seed gives the same bytes on every machine and compiler.
//
//   Random rng(Random::Mix(seed, school_index));
//   int k = rng.Uniform(6);            // 0..5
//   double age = rng.Range(25.0, 38.0);
//   if (rng.Bernoulli(0.07)) ...
//
// Thread-safety: a Random is not thread-safe; give each thread its own.
#pragma once

#include <cstdint>
#include <span>

namespace rota::tools {

class Random {
 public:
  explicit Random(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& s : s_) s = SplitMix64(&x);
  }

  // A well-mixed seed for an independent sub-stream `index` of `seed`.
  static uint64_t Mix(uint64_t seed, uint64_t index) {
    uint64_t x = seed ^ (index * 0xD1B54A32D192ED03ull + 0x8CB92BA72F3D8DD7ull);
    SplitMix64(&x);
    return SplitMix64(&x);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), n > 0 (Lemire's multiply-shift with rejection).
  uint64_t Uniform(uint64_t n) {
    __extension__ typedef unsigned __int128 Uint128;
    Uint128 m = static_cast<Uint128>(Next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<Uint128>(Next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // Uniform integer in [lo, hi].
  int UniformInt(int lo, int hi) {
    return lo + static_cast<int>(Uniform(static_cast<uint64_t>(hi - lo) + 1));
  }

  // Uniform double in [0, 1) with 53 random bits.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  double Range(double lo, double hi) { return lo + (hi - lo) * Unit(); }

  bool Bernoulli(double p) { return Unit() < p; }

  // Approximately normal (Irwin-Hall: sum of 12 uniforms), no libm needed.
  double Normal(double mean, double stddev) {
    double sum = 0;
    for (int i = 0; i < 12; ++i) sum += Unit();
    return mean + stddev * (sum - 6.0);
  }

  // Index drawn with probability proportional to weights[i] (>= 0, sum > 0).
  int Weighted(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double r = Unit() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (r < weights[i]) return static_cast<int>(i);
      r -= weights[i];
    }
    // Rounding can leave r just above the last weight: take the last nonzero.
    for (size_t i = weights.size(); i-- > 0;) {
      if (weights[i] > 0) return static_cast<int>(i);
    }
    return 0;
  }

 private:
  static uint64_t SplitMix64(uint64_t* x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t s_[4];
};

}  // namespace rota::tools
