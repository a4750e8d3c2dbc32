#include "xgrad/datasets/random.hpp"

#include <sstream>

#include "xgrad/datasets/errors.hpp"

namespace xgrad {

std::uint64_t uniform_below(Rng& rng, std::uint64_t n) {
  // Reject the top partial block of 2^64 so that every residue is equally likely.
  const std::uint64_t limit = Rng::max() - (Rng::max() % n + 1) % n;
  std::uint64_t r = rng();
  while (r > limit) r = rng();
  return r % n;
}

double uniform_unit(Rng& rng) { return double(rng() >> 11) * 0x1.0p-53; }

void shuffle(std::vector<std::size_t>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    const std::size_t j = uniform_below(rng, i);
    std::swap(v[i - 1], v[j]);
  }
}

std::string save_rng(const Rng& rng) {
  std::ostringstream out;
  out << rng;
  return out.str();
}

void restore_rng(Rng& rng, const std::string& state) {
  std::istringstream in(state);
  Rng restored;
  in >> restored;
  if (!in) {
    throw DataError("restore_rng: the text is not a saved mt19937_64 state (expected 312 "
                    "numbers and an index, as written by save_rng)");
  }
  rng = restored;
}

}  // namespace xgrad
