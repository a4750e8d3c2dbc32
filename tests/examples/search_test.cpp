// xgrad-search's logic on synthetic scores (no MNIST): parsing the space and the budgets,
// grid and random candidates, ranking, and which candidates successive halving promotes.

#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "search.hpp"

namespace xgrad::examples::search {
namespace {

TEST(Search, ParsesListsAndRanges) {
  const Dimension list = parse_dimension("--eta", "0.1,0.5,2.5", false);
  EXPECT_FALSE(list.is_range());
  EXPECT_EQ(list.values, (std::vector<double>{0.1, 0.5, 2.5}));
  const Dimension one = parse_dimension("--lambda", "0", false);
  EXPECT_EQ(one.values, std::vector<double>{0.0});
  const Dimension range = parse_dimension("--hidden", "10:1000", true);
  ASSERT_TRUE(range.is_range());
  EXPECT_EQ(range.low, 10);
  EXPECT_EQ(range.high, 1000);
}

TEST(Search, RejectsBadDimensions) {
  for (const char* bad : {"", "0.1,,2", "abc", "1:0.5", "0:1", "-1", "1:x"}) {
    EXPECT_THROW(parse_dimension("--eta", bad, false), std::invalid_argument) << bad;
  }
  EXPECT_THROW(parse_dimension("--hidden", "30,2.5", true), std::invalid_argument);
  EXPECT_THROW(parse_dimension("--batch", "0", true), std::invalid_argument);
  try {
    parse_dimension("--lambda", "1,two", false);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--lambda"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("two"), std::string::npos) << e.what();
  }
}

TEST(Search, GridPointsAreLogSpaced) {
  const std::vector<double> eta = grid_points(parse_dimension("--eta", "0.01:100", false), 5);
  ASSERT_EQ(eta.size(), 5u);
  const double expected[] = {0.01, 0.1, 1, 10, 100};
  for (std::size_t i = 0; i < 5; ++i) EXPECT_NEAR(eta[i], expected[i], 1e-12 * expected[i]);
  // Integers are rounded and repeated values dropped: 1, 1.41→1, 2, 2.83→3, 4.
  EXPECT_EQ(grid_points(parse_dimension("--batch", "1:4", true), 5), (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(grid_points(parse_dimension("--eta", "0.5:0.5", false), 3), std::vector<double>{0.5});
}

Space small_space() {
  return {parse_dimension("--eta", "0.1,1", false), parse_dimension("--lambda", "1:100", false),
          parse_dimension("--hidden", "30", true), parse_dimension("--batch", "10,50", true)};
}

TEST(Search, GridIsTheCartesianProduct) {
  const std::vector<Config> g = grid(small_space(), 3);
  ASSERT_EQ(g.size(), 2u * 3u * 1u * 2u);
  std::set<std::tuple<double, double, std::size_t, std::size_t>> distinct;
  for (const Config& c : g) distinct.insert({c.eta, c.lambda, c.hidden, c.batch});
  EXPECT_EQ(distinct.size(), g.size());
  EXPECT_EQ(g.front().eta, 0.1);  // η varies slowest, batch fastest
  EXPECT_EQ(g.front().batch, 10u);
  EXPECT_EQ(g[1].batch, 50u);
  EXPECT_EQ(g.back().eta, 1.0);
  EXPECT_NEAR(g.back().lambda, 100.0, 1e-9);
}

TEST(Search, RandomCandidatesAreSeededAndInTheSpace) {
  const Space space = small_space();
  const std::vector<Config> a = random_configs(space, 200, 7), b = random_configs(space, 200, 7);
  const std::vector<Config> c = random_configs(space, 200, 8);
  ASSERT_EQ(a.size(), 200u);
  bool differs = false;
  std::set<double> etas;
  double below_10 = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].eta, b[i].eta);
    EXPECT_EQ(a[i].lambda, b[i].lambda);
    EXPECT_EQ(a[i].batch, b[i].batch);
    differs = differs || a[i].lambda != c[i].lambda;
    etas.insert(a[i].eta);
    EXPECT_TRUE(a[i].eta == 0.1 || a[i].eta == 1.0);
    EXPECT_GE(a[i].lambda, 1.0);
    EXPECT_LE(a[i].lambda, 100.0);
    EXPECT_EQ(a[i].hidden, 30u);
    below_10 += a[i].lambda < 10.0;
  }
  EXPECT_TRUE(differs) << "another seed gives other candidates";
  EXPECT_EQ(etas.size(), 2u) << "both list values are drawn";
  // Log-uniform on [1, 100]: half the draws below 10 (binomial sd ≈ 7 of 200).
  EXPECT_NEAR(below_10, 100.0, 30.0);
}

TEST(Search, ParsesBudgets) {
  const std::vector<Budget> b = parse_budgets("1000x5,10000x10,50000x30");
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].train_size, 1000u);
  EXPECT_EQ(b[0].epochs, 5u);
  EXPECT_EQ(b[2].train_size, 50000u);
  EXPECT_EQ(b[2].epochs, 30u);
  for (const char* bad : {"", "1000", "x5", "1000x", "0x5", "1000x0", "1e3x5", "1000x5,500x10", "1000x5,2000x2"}) {
    EXPECT_THROW(parse_budgets(bad), std::invalid_argument) << bad;
  }
}

TEST(Search, Survivors) {
  EXPECT_EQ(survivors(27, 3), 9u);
  EXPECT_EQ(survivors(9, 3), 3u);
  EXPECT_EQ(survivors(10, 3), 4u);  // ⌈10/3⌉
  EXPECT_EQ(survivors(2, 3), 1u);
  EXPECT_EQ(survivors(1, 3), 1u);
  EXPECT_EQ(survivors(0, 3), 0u);
  EXPECT_EQ(survivors(5, 1), 5u);
  EXPECT_THROW(survivors(5, 0.5), std::invalid_argument);
}

Trial trial(std::size_t candidate, double accuracy, bool diverged = false) {
  Trial t;
  t.candidate = candidate;
  t.score.accuracy = accuracy;
  t.score.diverged = diverged;
  return t;
}

TEST(Search, RanksByAccuracyThenCandidateDivergedLast) {
  const std::vector<Trial> r = ranked({trial(0, 0.90), trial(1, 0.95, true), trial(2, 0.92),
                                       trial(3, 0.90), trial(4, 0.10)});
  std::vector<std::size_t> order;
  for (const Trial& t : r) order.push_back(t.candidate);
  EXPECT_EQ(order, (std::vector<std::size_t>{2, 0, 3, 4, 1}));
}

// A synthetic problem: candidate i has a "true" quality q(i); a trial's accuracy is
// q(i) plus a budget bonus. Candidates 5 and 11 diverge on the first rung.
struct Synthetic {
  std::map<std::size_t, double> quality;
  std::vector<std::pair<std::size_t, std::size_t>> calls;  // (candidate, rung)
  Score operator()(const Config&, const Budget& b, std::size_t candidate, std::size_t rung) {
    calls.emplace_back(candidate, rung);
    Score s;
    s.accuracy = quality.at(candidate) + 0.001 * double(b.epochs);
    s.diverged = rung == 0 && (candidate == 5 || candidate == 11);
    s.best_epoch = b.epochs;
    return s;
  }
};

TEST(Search, SuccessiveHalvingPromotesTheBest) {
  std::vector<Config> candidates(27);
  Synthetic synthetic;
  for (std::size_t i = 0; i < 27; ++i) synthetic.quality[i] = 0.5 + 0.01 * double((i * 7) % 27);
  synthetic.quality[5] = synthetic.quality[11] = 0.99;  // best scores, but diverged
  const std::vector<Budget> budgets = {{1000, 5}, {10000, 10}, {50000, 30}};
  const Result r = successive_halving(candidates, budgets, 3.0,
                                      [&](const Config& c, const Budget& b, std::size_t i, std::size_t rung) {
                                        return synthetic(c, b, i, rung);
                                      });
  ASSERT_EQ(r.rungs.size(), 3u);
  EXPECT_EQ(r.rungs[0].size(), 27u);
  EXPECT_EQ(r.rungs[1].size(), 9u);
  EXPECT_EQ(r.rungs[2].size(), 3u);
  EXPECT_EQ(r.trials.size(), 27u + 9u + 3u);
  EXPECT_EQ(synthetic.calls.size(), r.trials.size());

  // Rung 1 holds the 9 best non-diverged qualities: (i·7 mod 27) ∈ {18..26} minus the two
  // diverged ones' slots, i.e. the 9 largest among the 25 others.
  std::vector<std::pair<double, std::size_t>> healthy;
  for (std::size_t i = 0; i < 27; ++i) {
    if (i != 5 && i != 11) healthy.emplace_back(synthetic.quality[i], i);
  }
  std::sort(healthy.rbegin(), healthy.rend());
  std::set<std::size_t> best9, best3;
  for (std::size_t k = 0; k < 9; ++k) best9.insert(healthy[k].second);
  for (std::size_t k = 0; k < 3; ++k) best3.insert(healthy[k].second);
  EXPECT_EQ(std::set<std::size_t>(r.rungs[1].begin(), r.rungs[1].end()), best9);
  EXPECT_EQ(std::set<std::size_t>(r.rungs[2].begin(), r.rungs[2].end()), best3);
  // Promoted in rank order, best first.
  EXPECT_EQ(r.rungs[1].front(), healthy[0].second);

  // Each trial carries its rung's budget.
  for (const Trial& t : r.trials) {
    EXPECT_EQ(t.budget.epochs, budgets[t.rung].epochs);
    EXPECT_EQ(t.budget.train_size, budgets[t.rung].train_size);
  }

  // The leaderboard: the 3 finalists (best first), then the 6 of rung 1, then the rest, the
  // diverged ones last; every candidate once.
  const std::vector<Trial> board = r.leaderboard();
  ASSERT_EQ(board.size(), 27u);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(board[k].rung, 2u);
    EXPECT_EQ(board[k].candidate, healthy[k].second);
  }
  for (std::size_t k = 3; k < 9; ++k) EXPECT_EQ(board[k].rung, 1u);
  for (std::size_t k = 9; k < 27; ++k) EXPECT_EQ(board[k].rung, 0u);
  EXPECT_TRUE(board[25].score.diverged);
  EXPECT_TRUE(board[26].score.diverged);
  EXPECT_EQ(board[25].candidate, 5u);  // tie on accuracy: the lower index first
  std::set<std::size_t> seen;
  for (const Trial& t : board) seen.insert(t.candidate);
  EXPECT_EQ(seen.size(), 27u);
}

TEST(Search, OneBudgetTrainsEveryCandidateOnce) {
  std::vector<Config> candidates(4);
  std::size_t calls = 0;
  const Result r = successive_halving(candidates, {{50000, 30}}, 3.0,
                                      [&](const Config&, const Budget& b, std::size_t i, std::size_t) {
                                        ++calls;
                                        Score s;
                                        s.accuracy = 0.9 + 0.01 * double(i);
                                        s.best_epoch = b.epochs;
                                        return s;
                                      });
  EXPECT_EQ(calls, 4u);
  ASSERT_EQ(r.leaderboard().size(), 4u);
  EXPECT_EQ(r.leaderboard().front().candidate, 3u);
  EXPECT_THROW(successive_halving(candidates, {}, 3.0, nullptr), std::invalid_argument);
  EXPECT_THROW(successive_halving(candidates, {{1, 1}}, 0.0, nullptr), std::invalid_argument);
}

TEST(Search, FactorOneKeepsEveryone) {
  std::vector<Config> candidates(5);
  const Result r = successive_halving(candidates, {{100, 1}, {200, 2}}, 1.0,
                                      [](const Config&, const Budget&, std::size_t i, std::size_t) {
                                        Score s;
                                        s.accuracy = double(i);
                                        return s;
                                      });
  ASSERT_EQ(r.rungs.size(), 2u);
  EXPECT_EQ(r.rungs[1].size(), 5u);
  EXPECT_EQ(r.rungs[1].front(), 4u);
}

}  // namespace
}  // namespace xgrad::examples::search
