#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/data_routes.h"
#include "api/dataset_files.h"
#include "auth/roles.h"
#include "http/file_response.h"

namespace batuta::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

nlohmann::json ArtifactJson(const ArtifactRecord& artifact) {
  return {
      {"id", artifact.id},
      {"run_id", artifact.run_id},
      {"job_id", artifact.job_id},
      {"dataset", artifact.dataset.empty() ? nlohmann::json() : nlohmann::json(artifact.dataset)},
      {"storage", artifact.storage},
      {"path", artifact.path},
      {"content_type", artifact.content_type},
      {"rows", artifact.rows},
      {"bytes", artifact.bytes},
      {"sha256", artifact.sha256},
      {"columns", artifact.columns},
      {"created_at", FormatRfc3339(artifact.created_at)}};
}

Response ListForRun(Store& store, const Request& request) {
  const std::string run_id(request.PathParam("id"));
  auto run = store.Runs().FindById(run_id);
  if (!run.ok()) return ErrorReply(run.error());
  if (!run->has_value()) return ErrorReply(Error::NotFound(fmt::format("no run '{}'", run_id)));
  auto artifacts = store.Artifacts().ListByRun(run_id);
  if (!artifacts.ok()) return ErrorReply(artifacts.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& artifact : *artifacts) list.push_back(ArtifactJson(artifact));
  return Response::Json(200, {{"artifacts", std::move(list)}});
}

Response Download(Store& store, DatasetFiles& files, const Request& request,
                  const auth::Principal& caller) {
  const std::string id(request.PathParam("id"));
  auto artifact = store.Artifacts().FindById(id);
  if (!artifact.ok()) return ErrorReply(artifact.error());
  if (!artifact->has_value()) {
    return ErrorReply(
        Error::NotFound(fmt::format("no artifact '{}' (it may have been pruned)", id)));
  }
  // A key limited to some datasets downloads only their versions.
  if (caller.api_key && caller.api_key->datasets) {
    const auto& allowed = *caller.api_key->datasets;
    if (std::find(allowed.begin(), allowed.end(), (*artifact)->dataset) == allowed.end()) {
      return ErrorReply(Error{ErrorCode::kPermissionDenied,
                              "this API key may not read this artifact's dataset",
                              {{"dataset", (*artifact)->dataset}}});
    }
  }
  auto file = files.KeptFile(**artifact);
  if (!file.ok()) return ErrorReply(file.error());
  http::FileResponseOptions options;
  options.download_name = std::filesystem::path((*artifact)->path).filename().string();
  options.cache_control = "private, max-age=31536000, immutable";  // versions never change
  return http::FileResponse(request, *file, (*artifact)->content_type, (*artifact)->sha256,
                            options);
}

}  // namespace

void AddArtifactRoutes(RouteTable& routes, const ApiDependencies& deps) {
  Store* store = &deps.store;
  auto files = std::make_shared<DatasetFiles>(deps.connections);
  routes.Add(Method::kGet, "/api/v1/runs/{id}/artifacts", auth::permissions::kRunsRead,
             [store](const Request& request, const auth::Principal*) {
               return ListForRun(*store, request);
             });
  routes.Add(Method::kGet, "/api/v1/artifacts/{id}/download", auth::permissions::kDatasetsRead,
             [store, files](const Request& request, const auth::Principal* caller) {
               return Download(*store, *files, request, *caller);
             });
}

}  // namespace batuta::api
