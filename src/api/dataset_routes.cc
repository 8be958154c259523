#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/data_access_audit.h"
#include "api/data_routes.h"
#include "api/dataset_files.h"
#include "api/json_body.h"
#include "api/query_params.h"
#include "auth/roles.h"
#include "http/entity_tag.h"
#include "http/file_response.h"
#include "http/gzip.h"

namespace batuta::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

struct DatasetRoutes {
  Store& store;
  std::shared_ptr<DatasetFiles> files;
  std::shared_ptr<DataAccessAudit> audit;
};

nlohmann::json VersionJson(const ArtifactRecord& artifact) {
  return {{"version", artifact.id},
          {"run_id", artifact.run_id},
          {"created_at", FormatRfc3339(artifact.created_at)},
          {"rows", artifact.rows},
          {"bytes", artifact.bytes},
          {"sha256", artifact.sha256},
          {"content_type", artifact.content_type},
          {"storage", artifact.storage},
          {"path", artifact.path}};
}

nlohmann::json DatasetJson(const DatasetRecord& dataset) {
  nlohmann::json json = {{"name", dataset.name},
                         {"job_id", dataset.job_id},
                         {"updated_at", FormatRfc3339(dataset.updated_at)},
                         {"version", dataset.current.id},
                         {"rows", dataset.current.rows},
                         {"bytes", dataset.current.bytes},
                         {"sha256", dataset.current.sha256},
                         {"content_type", dataset.current.content_type},
                         {"columns", dataset.current.columns},
                         {"format", dataset.current.format}};
  return json;
}

// An API key limited to some datasets reads only those (auth/api_key_admin.h).
bool MayRead(const auth::Principal& caller, std::string_view name) {
  if (!caller.api_key || !caller.api_key->datasets) return true;
  const auto& allowed = *caller.api_key->datasets;
  return std::find(allowed.begin(), allowed.end(), name) != allowed.end();
}

Error KeyMayNotRead(std::string_view name) {
  return Error{ErrorCode::kPermissionDenied,
               fmt::format("this API key may not read dataset '{}'", name),
               {{"dataset", std::string(name)}}};
}

// The dataset named in the path, if the caller may read it.
Result<DatasetRecord> FindReadable(const DatasetRoutes& context, const Request& request,
                                   const auth::Principal& caller) {
  const std::string name(request.PathParam("name"));
  if (!MayRead(caller, name)) return KeyMayNotRead(name);
  auto dataset = context.store.Artifacts().FindDataset(name);
  if (!dataset.ok()) return std::move(dataset).error();
  if (!dataset->has_value()) return Error::NotFound(fmt::format("no dataset named '{}'", name));
  return std::move(**dataset);
}

// The version the request asks for (?version=<id>), or the current one.
Result<ArtifactRecord> ChosenVersion(const DatasetRoutes& context, const DatasetRecord& dataset,
                                     const std::optional<std::string>& version) {
  if (!version || *version == dataset.current.id) return dataset.current;
  auto artifact = context.store.Artifacts().FindById(*version);
  if (!artifact.ok()) return std::move(artifact).error();
  if (!artifact->has_value() || (*artifact)->dataset != dataset.name) {
    return Error{ErrorCode::kNotFound,
                 fmt::format("dataset '{}' has no version '{}' (it may have been pruned)",
                             dataset.name, *version),
                 {{"field", "version"}}};
  }
  return std::move(**artifact);
}

Response ListDatasets(const DatasetRoutes& context, const auth::Principal& caller) {
  auto datasets = context.store.Artifacts().ListDatasets();
  if (!datasets.ok()) return ErrorReply(datasets.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& dataset : *datasets) {
    if (MayRead(caller, dataset.name)) list.push_back(DatasetJson(dataset));
  }
  return Response::Json(200, {{"datasets", std::move(list)}});
}

Response GetDataset(const DatasetRoutes& context, const Request& request,
                    const auth::Principal& caller) {
  auto dataset = FindReadable(context, request, caller);
  if (!dataset.ok()) return ErrorReply(dataset.error());
  return Response::Json(200, DatasetJson(*dataset));
}

Response ListVersions(const DatasetRoutes& context, const Request& request,
                      const auth::Principal& caller) {
  auto dataset = FindReadable(context, request, caller);
  if (!dataset.ok()) return ErrorReply(dataset.error());
  auto versions = context.store.Artifacts().ListVersions(dataset->name, 1000);
  if (!versions.ok()) return ErrorReply(versions.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& version : *versions) list.push_back(VersionJson(version));
  return Response::Json(200, {{"dataset", dataset->name},
                              {"current", dataset->current.id},
                              {"versions", std::move(list)}});
}

// Streams a query's output; owns what the query reads from.
class QueryBody final : public http::BodySource {
 public:
  datasets::DatasetInfo info;
  std::unique_ptr<datasets::QueryOutput> output;

  Result<bool> Next(std::string& chunk) override { return output->Next(chunk); }
};

Response Rows(const DatasetRoutes& context, const Request& request, const auth::Principal& caller) {
  auto dataset = FindReadable(context, request, caller);
  if (!dataset.ok()) return ErrorReply(dataset.error());
  auto params = AllQueryParams(request);
  if (!params.ok()) return ErrorReply(params.error());
  std::optional<std::string> version;
  if (const auto it = params->find("version"); it != params->end()) {
    version = it->second;
    params->erase(it);
  }
  auto artifact = ChosenVersion(context, *dataset, version);
  if (!artifact.ok()) return ErrorReply(artifact.error());

  auto body = std::make_shared<QueryBody>();
  auto info = context.files->Describe(*artifact);
  if (!info.ok()) return ErrorReply(info.error());
  body->info = std::move(info).value();
  auto spec = datasets::ParseQuerySpec(*params, body->info);
  if (!spec.ok()) return ErrorReply(spec.error());

  const std::string etag = datasets::QueryETag(artifact->id, *spec);
  if (const auto match = request.Header("If-None-Match");
      match && http::EntityTagListMatches(*match, etag, true)) {
    Response not_modified;
    not_modified.status = 304;
    not_modified.SetHeader("ETag", etag);
    return not_modified;
  }
  Response response;
  if (spec->limit) {
    // A page is bounded (at most datasets::kMaxLimit rows), but finding it may scan the whole
    // file when it is filtered: render it here, on the handler pool, not on the I/O thread
    // that pulls a streamed body.
    auto rendered = datasets::RenderQuery(body->info, *spec);
    if (!rendered.ok()) return ErrorReply(rendered.error());
    response = Response::Text(200, std::move(rendered).value(),
                              std::string(datasets::ContentTypeOf(spec->format)));
  } else {
    // limit=all: the whole dataset, streamed in chunks as the client reads.
    auto output = datasets::OpenQuery(body->info, *spec);
    if (!output.ok()) return ErrorReply(output.error());
    body->output = std::move(output).value();
    const std::string content_type(body->output->content_type());
    response = Response::Streamed(200, body, content_type);
  }
  response.SetHeader("ETag", etag);
  response.SetHeader("Cache-Control", "private, no-cache");
  response.SetHeader("X-Dataset-Version", artifact->id);
  context.audit->Record(auth::Actor::Of(caller, request), dataset->name, "rows");
  return http::GzipIfAccepted(request, std::move(response));
}

Response Download(const DatasetRoutes& context, const Request& request,
                  const auth::Principal& caller) {
  auto dataset = FindReadable(context, request, caller);
  if (!dataset.ok()) return ErrorReply(dataset.error());
  auto artifact = ChosenVersion(context, *dataset, request.QueryParam("version"));
  if (!artifact.ok()) return ErrorReply(artifact.error());
  auto file = context.files->KeptFile(*artifact);
  if (!file.ok()) return ErrorReply(file.error());
  http::FileResponseOptions options;
  options.download_name = std::filesystem::path(artifact->path).filename().string();
  options.cache_control = "private, no-cache";
  Response response =
      http::FileResponse(request, *file, artifact->content_type, artifact->sha256, options);
  response.SetHeader("X-Dataset-Version", artifact->id);
  if (response.status == 200 || response.status == 206) {
    context.audit->Record(auth::Actor::Of(caller, request), dataset->name, "download");
  }
  return response;
}

}  // namespace

void AddDatasetRoutes(RouteTable& routes, const ApiDependencies& deps) {
  const DatasetRoutes context{deps.store, std::make_shared<DatasetFiles>(deps.connections),
                              std::make_shared<DataAccessAudit>(deps.audit, deps.clock)};
  const auto read = auth::permissions::kDatasetsRead;
  routes.Add(Method::kGet, "/api/v1/datasets", read,
             [context](const Request&, const auth::Principal* caller) {
               return ListDatasets(context, *caller);
             });
  routes.Add(Method::kGet, "/api/v1/datasets/{name}", read,
             [context](const Request& request, const auth::Principal* caller) {
               return GetDataset(context, request, *caller);
             });
  routes.Add(Method::kGet, "/api/v1/datasets/{name}/versions", read,
             [context](const Request& request, const auth::Principal* caller) {
               return ListVersions(context, request, *caller);
             });
  routes.Add(Method::kGet, "/api/v1/datasets/{name}/rows", read,
             [context](const Request& request, const auth::Principal* caller) {
               return Rows(context, request, *caller);
             });
  routes.Add(Method::kGet, "/api/v1/datasets/{name}/download", read,
             [context](const Request& request, const auth::Principal* caller) {
               return Download(context, request, *caller);
             });
}

}  // namespace batuta::api
