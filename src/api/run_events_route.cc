// GET /api/v1/runs/{id}/events: a run's log and status, live, as Server-Sent Events.
//
//   event: log     id: <seq>   data: {"seq", "at", "level", "message"}
//   event: status              data: {"type": "status"|"progress", ...}   (no id: not resumable)
//   event: end                 data: {"type": "end", "run": {...}}        then the stream ends
//
// A client that reconnects with Last-Event-ID (or ?after=N) gets every line after N exactly
// once: stored lines first, then live ones (logs/log_hub.h). A client that falls too far
// behind is disconnected and resumes the same way.
#include <fmt/format.h>

#include "api/engine_routes.h"
#include "api/query_params.h"
#include "auth/roles.h"
#include "runs/run_json.h"

namespace batuta::api {
namespace {

// Feeds one SSE stream from the hub. SseStream::Send only queues, so no callback blocks.
class SseLogSubscriber final : public logs::LogSubscriber {
 public:
  explicit SseLogSubscriber(std::shared_ptr<http::SseStream> stream) : stream_(std::move(stream)) {}

  void OnLine(const LogLine& line) override {
    stream_->Send({"log", std::to_string(line.seq),
                   nlohmann::json{{"seq", line.seq},
                                  {"at", FormatRfc3339(line.at)},
                                  {"level", line.level},
                                  {"message", line.message}}
                       .dump(),
                   std::nullopt});
  }
  void OnStatus(const nlohmann::json& status) override {
    stream_->Send({"status", "", status.dump(), std::nullopt});
  }
  void OnEnd(const nlohmann::json& final_status) override {
    stream_->Send({"end", "", final_status.dump(), std::nullopt});
    stream_->Close();
  }
  // The client reconnects (EventSource does by itself) and resumes from its last id.
  void OnDropped() override { stream_->Close(); }
  bool Alive() const override { return stream_->IsOpen(); }

 private:
  std::shared_ptr<http::SseStream> stream_;
};

Result<std::int64_t> ResumeAfter(const http::Request& request) {
  if (const auto header = request.Header("Last-Event-ID"); header && !header->empty()) {
    const auto seq = ParseNonNegativeInteger(*header);
    if (!seq) {
      return Error{ErrorCode::kInvalidArgument,
                   "Last-Event-ID must be a log sequence number",
                   {{"field", "Last-Event-ID"}}};
    }
    return *seq;
  }
  auto after = QueryNonNegativeInteger(request, "after");
  if (!after.ok()) return std::move(after).error();
  return after->value_or(0);
}

}  // namespace

void AddRunEventsRoute(RouteTable& routes, const ApiDependencies& deps) {
  routes.AddStream(
      "/api/v1/runs/{id}/events", auth::permissions::kRunsRead,
      [&store = deps.store, &hub = deps.log_hub](
          const http::Request& request, const auth::Principal*,
          const std::shared_ptr<http::SseStream>& stream) -> std::optional<http::Response> {
        const std::string run_id(request.PathParam("id"));
        auto after = ResumeAfter(request);
        if (!after.ok()) return ErrorReply(after.error());
        auto run = store.Runs().FindById(run_id);
        if (!run.ok()) return ErrorReply(run.error());
        if (!run->has_value()) {
          return ErrorReply(Error::NotFound(fmt::format("no run with id '{}'", run_id)));
        }
        const RunRecord& record = **run;
        stream->Send({"status", "",
                      nlohmann::json{{"type", "status"}, {"run", runs::RunJson(record)}}.dump(),
                      std::nullopt});
        std::optional<nlohmann::json> finished;
        if (IsTerminal(record.status)) {
          finished = nlohmann::json{{"type", "end"}, {"run", runs::RunJson(record)}};
        }
        auto subscription =
            hub.Subscribe(run_id, *after, std::make_shared<SseLogSubscriber>(stream), finished);
        if (!subscription.ok()) {
          stream->Close();
          return std::nullopt;
        }
        // The subscription lives as long as the stream: the client leaving ends it.
        auto held = std::make_shared<logs::LogSubscription>(std::move(subscription).value());
        stream->OnClose([held] { held->Reset(); });
        return std::nullopt;
      });
}

}  // namespace batuta::api
