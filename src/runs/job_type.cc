#include "runs/job_type.h"

#include <cassert>

namespace batuta::runs {

void JobTypeRegistry::Add(std::unique_ptr<JobType> type) {
  std::string name(type->Name());
  [[maybe_unused]] const bool added = types_.emplace(std::move(name), std::move(type)).second;
  assert(added && "two job types with one name");
}

const JobType* JobTypeRegistry::Find(std::string_view name) const {
  const auto it = types_.find(name);
  return it == types_.end() ? nullptr : it->second.get();
}

std::vector<const JobType*> JobTypeRegistry::List() const {
  std::vector<const JobType*> list;
  list.reserve(types_.size());
  for (const auto& [name, type] : types_) list.push_back(type.get());
  return list;
}

}  // namespace batuta::runs
