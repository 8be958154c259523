#include "auth/roles.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace batuta::auth {
namespace {

TEST(RolesTest, AllRolesAreTheFiveRolesLowestFirst) {
  const auto roles = AllRoles();
  ASSERT_EQ(roles.size(), 5U);
  EXPECT_EQ(roles[0], Role::kViewer);
  EXPECT_EQ(roles[1], Role::kOperator);
  EXPECT_EQ(roles[2], Role::kApprover);
  EXPECT_EQ(roles[3], Role::kEditor);
  EXPECT_EQ(roles[4], Role::kAdmin);
}

TEST(RolesTest, EveryRoleGrantsEveryViewerPermission) {
  for (const Role role : AllRoles()) {
    for (const auto& permission : PermissionsOf(Role::kViewer)) {
      EXPECT_TRUE(RoleGrants(role, permission.name)) << RoleName(role) << " " << permission.name;
    }
    EXPECT_TRUE(RoleWithin(Role::kViewer, role)) << RoleName(role);
  }
}

TEST(RolesTest, EveryRoleIsWithinAdmin) {
  for (const Role role : AllRoles()) EXPECT_TRUE(RoleWithin(role, Role::kAdmin)) << RoleName(role);
}

TEST(RolesTest, EveryRoleIsWithinItself) {
  for (const Role role : AllRoles()) EXPECT_TRUE(RoleWithin(role, role)) << RoleName(role);
}

TEST(RolesTest, ApproverAndEditorAreNotWithinEachOther) {
  EXPECT_FALSE(RoleWithin(Role::kApprover, Role::kEditor));
  EXPECT_FALSE(RoleWithin(Role::kEditor, Role::kApprover));
}

TEST(RolesTest, OperatorIsWithinApproverAndEditor) {
  EXPECT_TRUE(RoleWithin(Role::kOperator, Role::kApprover));
  EXPECT_TRUE(RoleWithin(Role::kOperator, Role::kEditor));
}

TEST(RolesTest, AHigherRoleIsNotWithinALowerOne) {
  EXPECT_FALSE(RoleWithin(Role::kOperator, Role::kViewer));
  EXPECT_FALSE(RoleWithin(Role::kApprover, Role::kOperator));
  EXPECT_FALSE(RoleWithin(Role::kEditor, Role::kOperator));
  EXPECT_FALSE(RoleWithin(Role::kAdmin, Role::kEditor));
  EXPECT_FALSE(RoleWithin(Role::kAdmin, Role::kApprover));
}

TEST(RolesTest, OnlyAdminAdministersUsersAuditAndSettings) {
  for (const Role role : AllRoles()) {
    const bool admin = role == Role::kAdmin;
    EXPECT_EQ(RoleGrants(role, permissions::kUsersAdmin.name), admin) << RoleName(role);
    EXPECT_EQ(RoleGrants(role, permissions::kAuditRead.name), admin) << RoleName(role);
    EXPECT_EQ(RoleGrants(role, permissions::kSettingsAdmin.name), admin) << RoleName(role);
  }
}

TEST(RolesTest, ApproverApprovesButDoesNotEditAndEditorTheReverse) {
  EXPECT_TRUE(RoleGrants(Role::kApprover, permissions::kWorkflowsApprove.name));
  EXPECT_FALSE(RoleGrants(Role::kApprover, permissions::kJobsWrite.name));
  EXPECT_FALSE(RoleGrants(Role::kApprover, permissions::kConnectionsWrite.name));
  EXPECT_TRUE(RoleGrants(Role::kEditor, permissions::kJobsWrite.name));
  EXPECT_TRUE(RoleGrants(Role::kEditor, permissions::kConnectionsWrite.name));
  EXPECT_FALSE(RoleGrants(Role::kEditor, permissions::kWorkflowsApprove.name));
}

TEST(RolesTest, ViewerOnlyReads) {
  EXPECT_TRUE(RoleGrants(Role::kViewer, permissions::kJobsRead.name));
  EXPECT_TRUE(RoleGrants(Role::kViewer, permissions::kRunsRead.name));
  EXPECT_TRUE(RoleGrants(Role::kViewer, permissions::kDatasetsRead.name));
  EXPECT_FALSE(RoleGrants(Role::kViewer, permissions::kRunsTrigger.name));
  EXPECT_FALSE(RoleGrants(Role::kViewer, permissions::kConnectionsRead.name));
  EXPECT_FALSE(RoleGrants(Role::kViewer, permissions::kJobsWrite.name));
}

TEST(RolesTest, EveryRoleGrantsAuthenticatedAndAccountSelf) {
  for (const Role role : AllRoles()) {
    EXPECT_TRUE(RoleGrants(role, permissions::kAuthenticated.name)) << RoleName(role);
    EXPECT_TRUE(RoleGrants(role, permissions::kAccountSelf.name)) << RoleName(role);
  }
}

TEST(RolesTest, NoRoleGrantsPublicOrAnUnknownPermission) {
  for (const Role role : AllRoles()) {
    EXPECT_FALSE(RoleGrants(role, http::kPublic.name)) << RoleName(role);
    EXPECT_FALSE(RoleGrants(role, "jobs.delete")) << RoleName(role);
  }
}

TEST(RolesTest, PermissionsOfListsEachPermissionOnce) {
  for (const Role role : AllRoles()) {
    std::set<std::string_view> seen;
    for (const auto& permission : PermissionsOf(role)) {
      EXPECT_TRUE(seen.insert(permission.name).second) << RoleName(role) << " " << permission.name;
    }
  }
}

TEST(RolesTest, ParseRoleReadsBackEveryRoleName) {
  for (const Role role : AllRoles()) {
    const auto parsed = ParseRole(RoleName(role));
    ASSERT_TRUE(parsed.has_value()) << RoleName(role);
    EXPECT_EQ(*parsed, role);
  }
  EXPECT_EQ(RoleName(Role::kViewer), "viewer");
  EXPECT_EQ(RoleName(Role::kOperator), "operator");
  EXPECT_EQ(RoleName(Role::kApprover), "approver");
  EXPECT_EQ(RoleName(Role::kEditor), "editor");
  EXPECT_EQ(RoleName(Role::kAdmin), "admin");
}

// The store protects the last admin by the exact name "admin", so no other spelling may parse.
TEST(RolesTest, ParseRoleRefusesUnknownAndOtherwiseSpelledNames) {
  EXPECT_FALSE(ParseRole("root").has_value());
  EXPECT_FALSE(ParseRole("").has_value());
  EXPECT_FALSE(ParseRole("Admin").has_value());
  EXPECT_FALSE(ParseRole("admin ").has_value());
  EXPECT_FALSE(ParseRole("administrator").has_value());
}

TEST(RolesTest, EveryRoleHasADescription) {
  for (const Role role : AllRoles()) EXPECT_FALSE(RoleDescription(role).empty()) << RoleName(role);
}

TEST(RolesTest, IsKnownPermissionAcceptsPublicAndEveryGrantedPermission) {
  EXPECT_TRUE(IsKnownPermission(http::kPublic.name));
  for (const Role role : AllRoles()) {
    for (const auto& permission : PermissionsOf(role)) {
      EXPECT_TRUE(IsKnownPermission(permission.name)) << permission.name;
    }
  }
}

TEST(RolesTest, IsKnownPermissionRefusesUnknownNames) {
  EXPECT_FALSE(IsKnownPermission(""));
  EXPECT_FALSE(IsKnownPermission("jobs.delete"));
  EXPECT_FALSE(IsKnownPermission("Jobs.Read"));
  EXPECT_FALSE(IsKnownPermission("admin"));
}

}  // namespace
}  // namespace batuta::auth
