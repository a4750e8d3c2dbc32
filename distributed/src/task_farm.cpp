#include "xgrad/distributed/task_farm.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cmath>
#include <cstring>
#include <exception>
#include <future>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "xgrad/distributed/errors.hpp"

namespace xgrad {
namespace {

// Messages of the farm, on a duplicate of the caller's communicator (so that they never
// meet the caller's own messages).
enum Tag : int {
  kAsk = 1,      // worker → manager: ready for a task (no payload)
  kResult = 2,   // worker → manager: task index, result; and ready for the next
  kFailure = 3,  // worker → manager: task index, the exception's message; and ready
  kTask = 4,     // manager → worker: a task index
  kDone = 5,     // manager → worker: every result, packed; the farm is over
  kFailed = 6,   // manager → worker: task index, rank, message of the failure; over
};

void put_u64(std::string& out, std::uint64_t v) {
  char bytes[sizeof v];
  std::memcpy(bytes, &v, sizeof v);
  out.append(bytes, sizeof v);
}

std::uint64_t get_u64(const std::string& in, std::size_t& at) {
  if (at + sizeof(std::uint64_t) > in.size()) {
    throw DistributedError("run_task_farm: a truncated message", -1);
  }
  std::uint64_t v = 0;
  std::memcpy(&v, in.data() + at, sizeof v);
  at += sizeof v;
  return v;
}

// Sleeps between polls: briefly at first, then up to a millisecond, so that a waiting rank
// answers fast but leaves the cores to the computing ones (MPI's blocking calls spin).
class Backoff {
 public:
  void reset() { wait_ = std::chrono::microseconds(20); }
  void sleep() {
    std::this_thread::sleep_for(wait_);
    wait_ = std::min(wait_ * 2, std::chrono::microseconds(1000));
  }

 private:
  std::chrono::microseconds wait_{20};
};

struct Message {
  int source = 0, tag = 0;
  std::string payload;
};

// The farm's own communicator, freed when the farm ends (also by an exception).
class FarmComm {
 public:
  explicit FarmComm(const Communicator& parent) {
    parent.check(MPI_Comm_dup(parent.native(), &dup_), "MPI_Comm_dup");
    comm_.emplace(dup_);
  }
  ~FarmComm() { MPI_Comm_free(&dup_); }
  FarmComm(const FarmComm&) = delete;
  FarmComm& operator=(const FarmComm&) = delete;

  const Communicator& comm() const { return *comm_; }

  void send(int to, int tag, const std::string& payload) const {
    if (payload.size() > std::size_t(INT_MAX)) {
      throw DistributedError(
          fmt::format("run_task_farm: a message of {} bytes on rank {} of {} (at most {})",
                      payload.size(), comm_->rank(), comm_->size(), INT_MAX),
          comm_->rank());
    }
    comm_->check(MPI_Send(payload.data(), int(payload.size()), MPI_BYTE, to, tag, comm_->native()),
                 "MPI_Send");
  }

  // A message from `from` (MPI_ANY_SOURCE: anyone) if one has arrived.
  std::optional<Message> poll(int from) const {
    int flag = 0;
    MPI_Status status;
    comm_->check(MPI_Iprobe(from, MPI_ANY_TAG, comm_->native(), &flag, &status), "MPI_Iprobe");
    if (!flag) return std::nullopt;
    int bytes = 0;
    comm_->check(MPI_Get_count(&status, MPI_BYTE, &bytes), "MPI_Get_count");
    Message m;
    m.source = status.MPI_SOURCE;
    m.tag = status.MPI_TAG;
    m.payload.resize(std::size_t(bytes));
    comm_->check(MPI_Recv(m.payload.data(), bytes, MPI_BYTE, m.source, m.tag, comm_->native(),
                          MPI_STATUS_IGNORE),
                 "MPI_Recv");
    return m;
  }

  Message wait(int from) const {
    Backoff backoff;
    for (;;) {
      if (std::optional<Message> m = poll(from)) return std::move(*m);
      backoff.sleep();
    }
  }

 private:
  MPI_Comm dup_ = MPI_COMM_NULL;
  std::optional<Communicator> comm_;
};

std::string failure_message(std::size_t task, int rank, int size, const std::string& what) {
  return fmt::format("task {} failed on rank {} of {}: {}", task, rank, size, what);
}

std::string what_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

using Clock = std::chrono::steady_clock;

// A task that is running, and since when.
struct Running {
  std::size_t task = 0;
  Clock::time_point since;
};

struct Failure {
  std::size_t task = 0;
  int rank = 0;
  std::string message;  // the task's own
};

std::vector<std::string> manage(const FarmComm& farm, std::size_t count, const FarmTask& task,
                                const FarmResult& on_result, const TaskFarmOptions& options,
                                const std::vector<std::size_t>& order) {
  const Communicator& comm = farm.comm();
  const int workers = comm.size() - 1;
  std::vector<std::string> results(count);
  std::size_t next = 0, received = 0, outstanding = 0;
  std::vector<int> parked;  // workers waiting for the end
  std::optional<Failure> failure;
  std::future<std::string> local;
  std::size_t local_task = 0;
  // What each rank is running (rank 0: the local thread), for the timeout.
  std::vector<std::optional<Running>> running(std::size_t(comm.size()));
  const bool timed = options.task_timeout_seconds > 0;
  const auto timeout = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(timed ? options.task_timeout_seconds : 0.0));

  const auto record = [&](std::size_t index, int rank, std::string result) {
    results[index] = std::move(result);
    ++received;
    if (on_result) on_result(index, rank, results[index]);
  };
  const auto fail = [&](std::size_t index, int rank, std::string message) {
    if (!failure) failure = Failure{index, rank, std::move(message)};
  };
  const auto more = [&] { return !failure && next < count; };
  // Answers a worker that is ready: a task, or parks it until the end.
  const auto answer = [&](int worker) {
    if (more()) {
      std::string payload;
      running[std::size_t(worker)] = Running{order[next], Clock::now()};
      put_u64(payload, order[next++]);
      ++outstanding;
      farm.send(worker, kTask, payload);
    } else {
      parked.push_back(worker);
    }
  };

  Backoff backoff;
  for (;;) {
    bool busy = false;
    if (local.valid() && local.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      --outstanding;
      busy = true;
      running[0].reset();
      try {
        record(local_task, 0, local.get());
      } catch (...) {
        fail(local_task, 0, what_of(std::current_exception()));
      }
    }
    if (!local.valid() && options.manager_computes && more()) {
      local_task = order[next++];
      ++outstanding;
      busy = true;
      running[0] = Running{local_task, Clock::now()};
      // A detached thread rather than std::async, whose future would wait for a task that
      // never returns when rank 0 gives up on it (TaskTimeout).
      std::promise<std::string> promise;
      local = promise.get_future();
      std::thread([&task, i = local_task, promise = std::move(promise)]() mutable {
        try {
          promise.set_value(task(i));
        } catch (...) {
          promise.set_exception(std::current_exception());
        }
      }).detach();
    }
    if (std::optional<Message> m = farm.poll(MPI_ANY_SOURCE)) {
      busy = true;
      std::size_t at = 0;
      if (m->tag == kResult || m->tag == kFailure) {
        const std::size_t index = std::size_t(get_u64(m->payload, at));
        --outstanding;
        running[std::size_t(m->source)].reset();
        if (m->tag == kResult) {
          record(index, m->source, m->payload.substr(at));
        } else {
          fail(index, m->source, m->payload.substr(at));
        }
      }
      answer(m->source);
    }
    if (timed) {
      const Clock::time_point now = Clock::now();
      for (std::size_t rank = 0; rank < running.size(); ++rank) {
        if (running[rank] && now - running[rank]->since > timeout) {
          const std::size_t index = running[rank]->task;
          throw TaskTimeout(
              fmt::format("task {} on rank {} of {} did not finish within {} s "
                          "(TaskFarmOptions::task_timeout_seconds)",
                          index, rank, comm.size(), options.task_timeout_seconds),
              index, int(rank));
        }
      }
    }
    const bool finished = (received == count || failure) && outstanding == 0;
    if (finished && int(parked.size()) == workers) break;
    if (busy) {
      backoff.reset();
    } else {
      backoff.sleep();
    }
  }

  if (failure) {
    std::string payload;
    put_u64(payload, failure->task);
    put_u64(payload, std::uint64_t(failure->rank));
    payload += failure->message;
    for (int w : parked) farm.send(w, kFailed, payload);
    throw TaskError(failure_message(failure->task, failure->rank, comm.size(), failure->message),
                    failure->task, failure->rank);
  }
  std::string packed;
  put_u64(packed, count);
  for (const std::string& r : results) put_u64(packed, r.size());
  for (const std::string& r : results) packed += r;
  for (int w : parked) farm.send(w, kDone, packed);
  return results;
}

std::vector<std::string> work(const FarmComm& farm, std::size_t count, const FarmTask& task) {
  const Communicator& comm = farm.comm();
  farm.send(0, kAsk, {});
  for (;;) {
    Message m = farm.wait(0);
    std::size_t at = 0;
    if (m.tag == kTask) {
      const std::size_t index = std::size_t(get_u64(m.payload, at));
      std::string reply;
      put_u64(reply, index);
      int tag = kResult;
      try {
        reply += task(index);
      } catch (...) {
        reply.resize(sizeof(std::uint64_t));
        reply += what_of(std::current_exception());
        tag = kFailure;
      }
      farm.send(0, tag, reply);
    } else if (m.tag == kDone) {
      if (get_u64(m.payload, at) != count) {
        throw DistributedError(fmt::format("run_task_farm: rank 0 has a different number of "
                                           "tasks than rank {} ({})", comm.rank(), count),
                               comm.rank());
      }
      std::vector<std::size_t> sizes(count);
      for (std::size_t& s : sizes) s = std::size_t(get_u64(m.payload, at));
      std::vector<std::string> results(count);
      for (std::size_t i = 0; i < count; ++i) {
        results[i] = m.payload.substr(at, sizes[i]);
        at += sizes[i];
      }
      return results;
    } else if (m.tag == kFailed) {
      const std::size_t index = std::size_t(get_u64(m.payload, at));
      const int rank = int(get_u64(m.payload, at));
      throw TaskError(failure_message(index, rank, comm.size(), m.payload.substr(at)), index, rank);
    } else {
      throw DistributedError(fmt::format("run_task_farm: unexpected message (tag {}) on rank {}",
                                         m.tag, comm.rank()),
                             comm.rank());
    }
  }
}

}  // namespace

std::vector<std::string> run_task_farm(const Communicator& comm, std::size_t count,
                                       const FarmTask& task, const FarmResult& on_result,
                                       const TaskFarmOptions& options) {
  if (!(std::isfinite(options.task_timeout_seconds) && options.task_timeout_seconds >= 0)) {
    throw InvalidArgument(fmt::format(
        "run_task_farm: task_timeout_seconds = {}, expected a finite number ≥ 0 (0: none)",
        options.task_timeout_seconds));
  }
  std::vector<std::size_t> order = options.order;
  if (order.empty()) {
    order.resize(count);
    for (std::size_t i = 0; i < count; ++i) order[i] = i;
  } else {
    std::vector<std::size_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    bool permutation = sorted.size() == count;
    for (std::size_t i = 0; permutation && i < count; ++i) permutation = sorted[i] == i;
    if (!permutation) {
      throw InvalidArgument(fmt::format(
          "run_task_farm: the order is not a permutation of the {} task indices", count));
    }
  }
  if (comm.size() == 1) {
    std::vector<std::string> results(count);
    for (std::size_t i : order) {
      try {
        results[i] = task(i);
      } catch (...) {
        throw TaskError(failure_message(i, 0, 1, what_of(std::current_exception())), i, 0);
      }
      if (on_result) on_result(i, 0, results[i]);
    }
    return results;
  }
  const FarmComm farm(comm);
  return comm.rank() == 0 ? manage(farm, count, task, on_result, options, order)
                          : work(farm, count, task);
}

}  // namespace xgrad
