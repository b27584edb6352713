#include "ccaas/watch/exporter.hpp"

#include "ccaas/contract/address.hpp"
#include "ccaas/util/duration.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/linked.hpp"
#include "ccaas/watch/exposition.hpp"

// Four workers: Prometheus scrapes one at a time, a second is an operator's curl.
#define CPPHTTPLIB_THREAD_POOL_COUNT 4
// g++ 12 with -fsanitize warns maybe-uninitialized inside libstdc++'s <regex>, which httplib.h is
// the first to include here: a false positive of that compiler, in code that is not ours.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <httplib.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

namespace ccaas::watch {

namespace {

using Clock = std::chrono::steady_clock;

// What /metrics answers from: the last completed run and the exporter's own counts. Scrapes copy
// a pointer under the lock; the text itself is never changed once published.
class State
{
public:
  void completed(std::shared_ptr<const std::string> metrics, std::int64_t when, bool unchecked)
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_metrics = std::move(metrics);
    ++m_runs;
    m_last_ok = !unchecked;
    if (unchecked) {
      ++m_failures;
    } else {
      m_last_success = when;
    }
  }
  void failed()
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    ++m_runs;
    ++m_failures;
    m_last_ok = false;
  }
  std::uint64_t runs() const
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_runs;
  }

  std::string render(std::int64_t interval_ns) const
  {
    std::shared_ptr<const std::string> metrics;
    Exposition own;
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      metrics = m_metrics;
      own.family(
        "ccaas_builder_exporter_runs_total", MetricType::counter, "Doctor runs the exporter started and ended");
      own.sample(static_cast<double>(m_runs));
      own.family("ccaas_builder_exporter_run_failures_total",
                 MetricType::counter,
                 "Doctor runs that could not complete, or could not run every check (the doctor's own trouble)");
      own.sample(static_cast<double>(m_failures));
      own.family("ccaas_builder_exporter_last_run_success",
                 MetricType::gauge,
                 "1 when the last doctor run completed with every check, 0 when it did not or none has yet");
      own.sample(m_last_ok ? 1 : 0);
      own.family("ccaas_builder_exporter_last_success_timestamp_seconds",
                 MetricType::gauge,
                 "When the last doctor run that completed with every check started (0: none yet)");
      own.sample(static_cast<double>(m_last_success));
    }
    own.family("ccaas_builder_exporter_interval_seconds", MetricType::gauge, "How often the doctor runs");
    own.sample(static_cast<double>(interval_ns) / duration::k_nanos_per_second);
    return (metrics ? *metrics : std::string()) + own.text();
  }

private:
  mutable std::mutex m_mutex;
  std::shared_ptr<const std::string> m_metrics;
  std::uint64_t m_runs = 0;
  std::uint64_t m_failures = 0;
  bool m_last_ok = false;
  std::int64_t m_last_success = 0;
};

// The run loop: one run at a time, start to start every interval, until stop().
class Runner
{
public:
  Runner(const RunOnce& run_once, State& state, std::int64_t interval_ns, log::Reporter& reporter)
    : m_run_once(run_once)
    , m_state(state)
    , m_interval(interval_ns)
    , m_reporter(reporter)
  {
  }

  void loop()
  {
    while (!stopping()) {
      const Clock::time_point start = Clock::now();
      if (!run()) {
        return; // cancelled: the exporter is stopping
      }
      std::unique_lock<std::mutex> lock(m_mutex);
      m_wake.wait_until(lock, start + m_interval, [this] { return m_stop; });
    }
  }

  void stop()
  {
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_all();
  }

private:
  bool stopping()
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_stop;
  }

  // One run; false when it was cancelled.
  bool run()
  {
    const std::uint64_t number = m_state.runs() + 1;
    try {
      std::optional<Snapshot> snapshot = m_run_once();
      if (!snapshot) {
        return false;
      }
      m_state.completed(
        std::make_shared<const std::string>(std::move(snapshot->metrics)), snapshot->started, snapshot->unchecked);
      log_change("run " + std::to_string(number) + ": ", snapshot->summary);
    } catch (const std::exception& e) {
      m_state.failed();
      log_change("run " + std::to_string(number) + " failed: ", e.what());
    }
    return true;
  }

  // The log says what changed, not every run: a sidecar's log at a 60s interval stays readable.
  void log_change(const std::string& prefix, const std::string& what)
  {
    if (what != m_last_logged) {
      m_reporter.info(prefix + what);
      m_last_logged = what;
    }
  }

  const RunOnce& m_run_once;
  State& m_state;
  std::chrono::nanoseconds m_interval;
  log::Reporter& m_reporter;
  std::string m_last_logged;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
};

// Termination signals go to the thread that waits for them (this one), not to a worker in a
// system call: the threads started while they are blocked inherit the block.
class BlockTermination
{
public:
  BlockTermination()
  {
    sigemptyset(&m_set);
    sigaddset(&m_set, SIGTERM);
    sigaddset(&m_set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &m_set, &m_old);
  }
  ~BlockTermination() { pthread_sigmask(SIG_SETMASK, &m_old, nullptr); }
  BlockTermination(const BlockTermination&) = delete;
  BlockTermination& operator=(const BlockTermination&) = delete;

private:
  sigset_t m_set;
  sigset_t m_old;
};

// SO_REUSEADDR only: cpp-httplib's default adds SO_REUSEPORT, with which a second exporter on
// the same port would start and share the scrapes instead of failing.
void reuse_address_only(socket_t sock)
{
  const int yes = 1;
  ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

void configure(httplib::Server& server, const State& state, std::int64_t interval_ns)
{
  server.set_socket_options(reuse_address_only);
  // One request a connection, and short waits on a silent client: a stop never waits on them.
  server.set_keep_alive_max_count(1);
  server.set_read_timeout(0, 500'000);
  server.set_write_timeout(0, 500'000);
  server.Get("/metrics", [&state, interval_ns](const httplib::Request&, httplib::Response& response) {
    response.set_content(state.render(interval_ns), k_exposition_content_type);
  });
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok\n", "text/plain; charset=utf-8");
  });
}

void bind(httplib::Server& server, const ListenAddress& address)
{
  // ":PORT" is every address: IPv6 and IPv4 on one socket, or IPv4 alone where the pod has no IPv6.
  const bool bound = address.host.empty()
                       ? server.bind_to_port("::", address.port) || server.bind_to_port("0.0.0.0", address.port)
                       : server.bind_to_port(address.host, address.port);
  if (!bound) {
    const int error = errno;
    throw Failure("--serve " + address.text + ": cannot listen there"
                  + (error != 0 ? std::string(": ") + std::strerror(error) : std::string()));
  }
}

} // namespace

std::optional<ListenAddress> parse_listen_address(const std::string& text, std::string& error)
{
  ListenAddress out;
  out.text = text;
  if (!text.empty() && text.front() == ':') {
    const contract::AddressResult parsed = contract::parse_address("any" + text);
    if (!parsed.error.empty()) {
      error = "--serve " + text + ": " + parsed.error;
      return std::nullopt;
    }
    out.port = parsed.value.port;
    return out;
  }
  const contract::AddressResult parsed = contract::parse_address(text);
  if (!parsed.error.empty()) {
    error = "--serve " + text + ": " + parsed.error;
    return std::nullopt;
  }
  out.host = parsed.value.host;
  out.port = parsed.value.port;
  return out;
}

void serve(const ServeOptions& options, const RunOnce& run_once, log::Reporter& reporter)
{
  State state;
  Runner runner(run_once, state, options.interval_ns, reporter);
  httplib::Server server;
  configure(server, state, options.interval_ns);
  std::thread http;
  std::thread runs;
  std::atomic<bool> serving{true};
  {
    const BlockTermination blocked;
    errno = 0;
    bind(server, options.address);
    http = std::thread([&server, &serving] {
      server.listen_after_bind();
      serving = false;
    });
    runs = std::thread([&runner] { runner.loop(); });
  }
  reporter.info("serving the doctor's metrics on " + options.address.text
                + " (GET /metrics, GET /healthz), a run every " + duration::format_go_duration(options.interval_ns));
  bool terminated = false;
  while (serving) {
    pollfd waiting{options.termination_fd, POLLIN, 0};
    const int ready = ::poll(&waiting, options.termination_fd >= 0 ? 1 : 0, 250);
    if (ready > 0) {
      terminated = true;
      break;
    }
  }
  runner.stop();
  server.stop();
  http.join();
  runs.join();
  if (!terminated) {
    throw Failure("--serve " + options.address.text + ": the HTTP server stopped");
  }
  reporter.info("stopped on a termination signal after " + std::to_string(state.runs()) + " run(s)");
}

// What --version --verbose lists for the HTTP server: header-only, so the version built with.
LinkedLibrary httplib_library()
{
  return {"cpp-httplib", CPPHTTPLIB_VERSION, "built with; header-only"};
}

} // namespace ccaas::watch
