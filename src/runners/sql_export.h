#pragma once

#include <string>

#include "connections/connection_service.h"
#include "core/clock.h"
#include "runs/job_type.h"
#include "store/store.h"

namespace batuta::runners {

// `sql_export`: runs a query on a SQL connection and writes the rows as a CSV file into a
// storage connection, as a new version of a dataset the data API serves. The config is
// described in sql_export_config.h; the query's :name parameters are bound from the run's
// parameters and the built-in dates (sql_export_bindings.h).
//
// A run, in order: resolve the connections (their secrets are registered with the run's log
// masking before anything is logged), compute the dates in the job's zone, open a session,
// stream the rows into a temporary file (progress reported every 10,000 rows), then commit:
// the row index, a kept copy of this version, and the file at its path (an atomic rename).
// Then the artifact is stored and becomes the dataset's current version, and versions beyond
// keep_versions are removed. Any failure before the rename leaves the previous file and
// dataset version as they were. Cancelling stops the query on the server.
//
// Thread-safe: runs share nothing but the services given here, which are thread-safe.
class SqlExport final : public runs::JobType {
 public:
  SqlExport(Store& store, connections::ConnectionService& connections, const Clock& clock,
            std::string default_timezone)
      : store_(store),
        connections_(connections),
        clock_(clock),
        default_timezone_(std::move(default_timezone)) {}

  std::string_view Name() const override { return "sql_export"; }
  std::string_view Description() const override {
    return "Runs a query on a database and exports the rows as a CSV dataset";
  }
  Status ValidateConfig(const nlohmann::json& config) const override;
  runs::RunOutcome Run(runs::RunContext& context) const override;

 private:
  Store& store_;
  connections::ConnectionService& connections_;
  const Clock& clock_;
  const std::string default_timezone_;
};

}  // namespace batuta::runners
