// Per-request costs the server pays before a handler runs: route matching over a table the
// size batuta will have, and SSE event formatting for live logs.
#include <benchmark/benchmark.h>

#include "http/router.h"
#include "http/sse.h"

namespace {

using batuta::http::Method;

batuta::http::Router MakeRouter() {
  batuta::http::Router router;
  auto ok = [](const batuta::http::Request&) { return batuta::http::Response::NoContent(); };
  const char* resources[] = {"jobs",  "runs", "schedules", "connections", "datasets",
                             "users", "keys", "audit",     "collections", "workflows"};
  for (const char* r : resources) {
    const std::string base = std::string("/api/v1/") + r;
    router.Add({Method::kGet, base, batuta::http::kPublic, ok});
    router.Add({Method::kPost, base, batuta::http::kPublic, ok});
    router.Add({Method::kGet, base + "/{id}", batuta::http::kPublic, ok});
    router.Add({Method::kPut, base + "/{id}", batuta::http::kPublic, ok});
    router.Add({Method::kDelete, base + "/{id}", batuta::http::kPublic, ok});
  }
  router.Add({Method::kGet, "/healthz", batuta::http::kPublic, ok});
  return router;
}

void BM_RouterFind(benchmark::State& state, const char* path) {
  const auto router = MakeRouter();
  for (auto _ : state) {
    batuta::http::Request request;
    request.method = Method::kGet;
    request.path = path;
    benchmark::DoNotOptimize(router.Find(request));
  }
}
// /healthz is the last of 51 rows; the workflow route has a path parameter.
BENCHMARK_CAPTURE(BM_RouterFind, LastRoute, "/healthz");
BENCHMARK_CAPTURE(BM_RouterFind, WithParameter, "/api/v1/workflows/01HXABCDEF");

void BM_FormatSseLogLine(benchmark::State& state) {
  const batuta::http::SseEvent event{
      .event = "log", .id = "123456", .data = R"({"level":"info","msg":"exported 10000 rows"})"};
  for (auto _ : state) benchmark::DoNotOptimize(batuta::http::FormatSseEvent(event));
}
BENCHMARK(BM_FormatSseLogLine);

}  // namespace
