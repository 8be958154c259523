#include "auth/user_admin.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/auth_test_support.h"
#include "auth/session_service.h"

namespace batuta::auth {
namespace {

using std::chrono::seconds;
using test::kGoodPassword;
using test::kOtherGoodPassword;
using test::MakeRequest;

class UserAdminTest : public test::AuthTest {
 protected:
  static UserAdmin::NewUser NewUser(std::string username, std::string role,
                                    std::string password = std::string(kGoodPassword)) {
    return {std::move(username), "Someone", std::move(role), std::move(password)};
  }
  UserRecord CreateOrDie(const UserAdmin::NewUser& request) {
    auto created = users_.Create(actor_, request);
    if (!created.ok()) throw std::runtime_error("cannot create: " + created.error().message);
    return std::move(created).value();
  }
  template <typename T>
  void ExpectInvalid(const Result<T>& result, std::string_view field) {
    ASSERT_FALSE(result.ok()) << "accepted; expected an error on " << field;
    EXPECT_EQ(result.error().code, ErrorCode::kValidation) << result.error().message;
    EXPECT_EQ(result.error().details.value("field", ""), field) << result.error().message;
  }
  bool PasswordIs(std::string_view id, std::string_view password) {
    auto verdict = hasher_.Verify(StoredUser(id).password_hash, password);
    return verdict.ok() && verdict->matches;
  }
  void ExpectNoAuditEntryContains(std::string_view text) {
    for (const auto& entry : AuditEntries()) {
      EXPECT_EQ(test::AuditEntryJson(entry).dump().find(text), std::string::npos)
          << test::AuditEntryJson(entry).dump();
    }
  }

  AuditTrail audit_{store(), clock_};
  UserAdmin users_{store(), clock_, hasher_, audit_};
  Actor actor_{"user", "admin-id", "root", "192.0.2.10"};
};

TEST_F(UserAdminTest, CreateStoresTheUserWithAHashedPassword) {
  const auto created = CreateOrDie({"maria.souza", "Maria Souza", "editor", "violet harbor moon"});
  EXPECT_EQ(created.id.size(), 26U);
  EXPECT_TRUE(created.password_hash.empty());
  const auto stored = StoredUser(created.id);
  EXPECT_EQ(stored.username, "maria.souza");
  EXPECT_EQ(stored.display_name, "Maria Souza");
  EXPECT_EQ(stored.role, "editor");
  EXPECT_TRUE(stored.active);
  EXPECT_EQ(stored.password_changed_at, test::kStart);
  EXPECT_TRUE(stored.password_hash.starts_with("$argon2id$"));
  EXPECT_TRUE(PasswordIs(created.id, "violet harbor moon"));
  EXPECT_FALSE(test::AnyFileContains(folder(), "violet harbor moon"));
}

TEST_F(UserAdminTest, CreateIsAuditedWithoutThePassword) {
  const auto created = CreateOrDie(NewUser("maria", "viewer"));
  const auto entries = AuditEntries();
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].action, "user.create");
  EXPECT_EQ(entries[0].outcome, "success");
  EXPECT_EQ(entries[0].actor_name, "root");
  EXPECT_EQ(entries[0].target_type, "user");
  EXPECT_EQ(entries[0].target_id, created.id);
  EXPECT_EQ(entries[0].details.value("username", ""), "maria");
  EXPECT_EQ(entries[0].details.value("role", ""), "viewer");
  ExpectNoAuditEntryContains(kGoodPassword);
  ExpectNoAuditEntryContains("$argon2");
}

TEST_F(UserAdminTest, CreateRefusesABadUsername) {
  for (const std::string& username :
       {std::string(), std::string(65, 'a'), std::string("-lead"), std::string(".hidden"),
        std::string("ana maria"), std::string("ana/maria"), std::string("jos\xc3\xa9")}) {
    ExpectInvalid(users_.Create(actor_, NewUser(username, "viewer")), "username");
  }
  EXPECT_TRUE(users_.Create(actor_, NewUser(std::string(64, 'a'), "viewer")).ok());
  EXPECT_TRUE(users_.Create(actor_, NewUser("ana.m_souza@x-y", "viewer")).ok());
  EXPECT_EQ(AuditEntries().size(), 2U);
}

TEST_F(UserAdminTest, CheckUsernameAcceptsLettersDigitsAndDotUnderscoreAtDash) {
  EXPECT_TRUE(UserAdmin::CheckUsername("a").ok());
  EXPECT_TRUE(UserAdmin::CheckUsername("7eleven").ok());
  EXPECT_TRUE(UserAdmin::CheckUsername("Maria.Souza_2@ops-team").ok());
  EXPECT_FALSE(UserAdmin::CheckUsername("_maria").ok());
  EXPECT_FALSE(UserAdmin::CheckUsername("maria!").ok());
}

TEST_F(UserAdminTest, CreateRefusesAnUnknownRole) {
  ExpectInvalid(users_.Create(actor_, NewUser("maria", "root")), "role");
  ExpectInvalid(users_.Create(actor_, NewUser("maria", "Admin")), "role");
  ExpectInvalid(users_.Create(actor_, NewUser("maria", "")), "role");
}

TEST_F(UserAdminTest, CreateRefusesAWeakPassword) {
  ExpectInvalid(users_.Create(actor_, NewUser("maria", "viewer", "short")), "password");
  ExpectInvalid(users_.Create(actor_, NewUser("maria", "viewer", "password1234")), "password");
  ExpectInvalid(users_.Create(actor_, NewUser("maria", "viewer", "hello-maria-2026")), "password");
  auto none = store().Users().FindByUsername("maria");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(UserAdminTest, CreateRefusesABadDisplayName) {
  auto control = NewUser("maria", "viewer");
  control.display_name = "Maria\nSouza";
  ExpectInvalid(users_.Create(actor_, control), "display_name");
  auto long_name = NewUser("maria", "viewer");
  long_name.display_name = std::string(201, 'M');
  ExpectInvalid(users_.Create(actor_, long_name), "display_name");
}

TEST_F(UserAdminTest, ADuplicateUsernameIsAConflictWhateverItsCase) {
  CreateOrDie(NewUser("maria", "viewer"));
  auto duplicate = users_.Create(actor_, NewUser("MARIA", "editor"));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
}

TEST_F(UserAdminTest, UpdateChangesRoleActiveAndDisplayNameAndIsAudited) {
  CreateOrDie(NewUser("root", "admin"));
  const auto maria = CreateOrDie(NewUser("maria", "viewer"));
  clock_.Advance(seconds(10));
  UserChanges changes;
  changes.role = "approver";
  changes.active = false;
  changes.display_name = "Maria S.";
  auto updated = users_.Update(actor_, maria.id, changes);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_TRUE(updated->password_hash.empty());
  const auto stored = StoredUser(maria.id);
  EXPECT_EQ(stored.role, "approver");
  EXPECT_FALSE(stored.active);
  EXPECT_EQ(stored.display_name, "Maria S.");
  EXPECT_EQ(stored.updated_at, clock_.Now());

  const auto entries = AuditEntries();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].action, "user.update");
  EXPECT_EQ(entries[0].outcome, "success");
  EXPECT_EQ(entries[0].target_id, maria.id);
  EXPECT_EQ(entries[0].details.value("role", ""), "approver");
  EXPECT_EQ(entries[0].details.value("active", true), false);
  EXPECT_EQ(entries[0].details.value("username", ""), "maria");
}

TEST_F(UserAdminTest, UpdateRefusesAnUnknownRoleAndChangesNothing) {
  const auto maria = CreateOrDie(NewUser("maria", "viewer"));
  UserChanges changes;
  changes.role = "superuser";
  changes.active = false;
  ExpectInvalid(users_.Update(actor_, maria.id, changes), "role");
  EXPECT_EQ(StoredUser(maria.id).role, "viewer");
  EXPECT_TRUE(StoredUser(maria.id).active);
}

TEST_F(UserAdminTest, UpdateOfAnUnknownUserIsNotFound) {
  UserChanges changes;
  changes.role = "viewer";
  auto updated = users_.Update(actor_, "no-such-id", changes);
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, ErrorCode::kNotFound);
}

TEST_F(UserAdminTest, TheLastActiveAdminCannotBeDemotedOrDeactivatedAndTheAttemptIsAudited) {
  const auto root = CreateOrDie(NewUser("root", "admin"));
  UserChanges demote;
  demote.role = "editor";
  auto demoted = users_.Update(actor_, root.id, demote);
  ASSERT_FALSE(demoted.ok());
  EXPECT_EQ(demoted.error().code, ErrorCode::kConflict);
  UserChanges deactivate;
  deactivate.active = false;
  auto deactivated = users_.Update(actor_, root.id, deactivate);
  ASSERT_FALSE(deactivated.ok());
  EXPECT_EQ(deactivated.error().code, ErrorCode::kConflict);

  EXPECT_EQ(StoredUser(root.id).role, "admin");
  EXPECT_TRUE(StoredUser(root.id).active);
  const auto entries = AuditEntries();
  ASSERT_EQ(entries.size(), 3U);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(entries[i].action, "user.update");
    EXPECT_EQ(entries[i].outcome, "denied");
    EXPECT_EQ(entries[i].target_id, root.id);
    EXPECT_EQ(entries[i].details.value("reason", ""), "last_admin");
  }
}

TEST_F(UserAdminTest, AnAdminCanBeDemotedWhenAnotherAdminRemains) {
  const auto root = CreateOrDie(NewUser("root", "admin"));
  CreateOrDie(NewUser("boss", "admin"));
  UserChanges demote;
  demote.role = "editor";
  ASSERT_TRUE(users_.Update(actor_, root.id, demote).ok());
  EXPECT_EQ(StoredUser(root.id).role, "editor");
}

TEST_F(UserAdminTest, ResetPasswordSetsItEndsTheSessionsAndIsAuditedWithoutIt) {
  const auto maria = CreateOrDie(NewUser("maria", "viewer"));
  SessionService sessions(store(), clock_, "secret");
  auto session = sessions.Start(maria.id, MakeRequest());
  ASSERT_TRUE(session.ok());
  clock_.Advance(seconds(1));

  ASSERT_TRUE(users_.ResetPassword(actor_, maria.id, kOtherGoodPassword).ok());
  EXPECT_TRUE(PasswordIs(maria.id, kOtherGoodPassword));
  EXPECT_FALSE(PasswordIs(maria.id, kGoodPassword));
  EXPECT_EQ(StoredUser(maria.id).password_changed_at, clock_.Now());
  auto resolved = sessions.Resolve(session->id);
  ASSERT_TRUE(resolved.ok());
  EXPECT_FALSE(resolved->has_value());

  const auto entries = AuditEntries();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].action, "user.password_reset");
  EXPECT_EQ(entries[0].target_id, maria.id);
  ExpectNoAuditEntryContains(kOtherGoodPassword);
}

TEST_F(UserAdminTest, ResetPasswordRefusesAWeakPasswordOnNewPassword) {
  const auto maria = CreateOrDie(NewUser("maria", "viewer"));
  ExpectInvalid(users_.ResetPassword(actor_, maria.id, "short"), "new_password");
  ExpectInvalid(users_.ResetPassword(actor_, maria.id, "maria-2026-xyz"), "new_password");
  EXPECT_TRUE(PasswordIs(maria.id, kGoodPassword));
}

TEST_F(UserAdminTest, ResetPasswordOfAnUnknownUserIsNotFound) {
  const Status reset = users_.ResetPassword(actor_, "no-such-id", kOtherGoodPassword);
  ASSERT_FALSE(reset.ok());
  EXPECT_EQ(reset.error().code, ErrorCode::kNotFound);
}

TEST_F(UserAdminTest, EnsureInitialAdminCreatesAdminWithTheGivenPasswordOnce) {
  auto first = users_.EnsureInitialAdmin("launch bay orchid 7");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, "launch bay orchid 7");
  auto admin = store().Users().FindByUsername("admin");
  ASSERT_TRUE(admin.ok() && admin->has_value());
  EXPECT_EQ((*admin)->role, "admin");
  EXPECT_TRUE((*admin)->active);
  EXPECT_TRUE(PasswordIs((*admin)->id, "launch bay orchid 7"));

  const auto entries = AuditEntries();
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].action, "user.create");
  EXPECT_EQ(entries[0].actor_kind, "system");
  ExpectNoAuditEntryContains("launch bay orchid 7");

  auto second = users_.EnsureInitialAdmin("another strong phrase");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, std::nullopt);
  EXPECT_TRUE(PasswordIs((*admin)->id, "launch bay orchid 7"));
  auto all = store().Users().List();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1U);
}

TEST_F(UserAdminTest, EnsureInitialAdminRefusesAWeakPasswordNamingTheVariable) {
  for (const std::string_view weak : {"admin", "password1234", "my-admin-password"}) {
    ExpectInvalid(users_.EnsureInitialAdmin(weak), "BATUTA_ADMIN_PASSWORD");
  }
  auto all = store().Users().List();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
}

TEST_F(UserAdminTest, EnsureInitialAdminWithoutAPasswordChoosesALongRandomOne) {
  auto chosen = users_.EnsureInitialAdmin("");
  ASSERT_TRUE(chosen.ok()) << chosen.error().message;
  ASSERT_TRUE(chosen->has_value());
  EXPECT_GE((*chosen)->size(), 20U);
  auto admin = store().Users().FindByUsername("admin");
  ASSERT_TRUE(admin.ok() && admin->has_value());
  EXPECT_TRUE(PasswordIs((*admin)->id, **chosen));
  ExpectNoAuditEntryContains(**chosen);
}

TEST_F(UserAdminTest, EnsureInitialAdminDoesNothingWhenUsersExist) {
  AddUser("maria", "viewer");
  auto result = users_.EnsureInitialAdmin("launch bay orchid 7");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, std::nullopt);
  auto admin = store().Users().FindByUsername("admin");
  ASSERT_TRUE(admin.ok());
  EXPECT_FALSE(admin->has_value());
  EXPECT_TRUE(AuditEntries().empty());
}

}  // namespace
}  // namespace batuta::auth
