// The common-password block list: the most used passwords in public breach statistics, and
// their Portuguese counterparts, lower-case. Only entries of kMinPasswordLength or more matter
// (shorter ones fail the length rule first); the short classics are kept so the list also
// serves a lower minimum.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "auth/password_policy.h"

namespace batuta::auth {
namespace {

constexpr std::array<std::string_view, 123> kCommon{
    "123456", "123456789", "12345678", "password", "qwerty", "123123", "1234567890", "111111",
    "abc123", "password1", "iloveyou", "admin", "welcome", "monkey", "dragon", "letmein",
    "football", "princess", "sunshine", "master", "shadow", "baseball", "superman", "trustno1",
    "qwertyuiop", "1q2w3e4r", "1qaz2wsx", "zaq12wsx", "passw0rd", "starwars", "senha", "senha123",
    "brasil", "flamengo", "corinthians", "palmeiras", "saopaulo", "gremio", "vasco", "cruzeiro",
    "botafogo", "santos", "mudar123", "trocar123", "admin123", "root1234", "teste123",
    // 12 characters and longer
    "123456789012", "1234567890123", "12345678910", "123456789101", "1234567891011", "qwertyuiop12",
    "qwertyuiop123", "qwertyuiopasdf", "qwertyuiopasdfgh", "1q2w3e4r5t6y", "1q2w3e4r5t6y7u",
    "1qaz2wsx3edc", "1qaz2wsx3edc4rfv", "zaq12wsxcde3", "qazwsxedcrfv", "password1234",
    "password12345", "password123456", "passwordpassword", "password@123", "p@ssw0rd1234",
    "passw0rd1234", "iloveyou1234", "iloveyouiloveyou", "administrator", "administrador",
    "administrator1", "changeme1234", "changemechangeme", "welcome12345", "welcome@1234",
    "letmein12345", "letmeinletmein", "senhasenha12", "senha1234567", "senha12345678",
    "senhaforte123", "senhasegura123", "minhasenha123", "minhasenha1234", "mudar1234567",
    "mudarasenha1", "trocarsenha1", "trocar123456", "brasil123456", "brasil2024!!", "brasil2025!!",
    "brasil2026!!", "flamengo1234", "corinthians1", "corinthians123", "palmeiras123",
    "saopaulo1234", "qwerty123456", "qwerty1234567", "asdfghjkl123", "asdfghjklzxc", "zxcvbnm12345",
    "abcd12345678", "abc123456789", "aa123456789a", "football1234", "baseball1234", "superman1234",
    "batman123456", "starwars1234", "monkey123456", "dragon123456", "sunshine1234", "princess1234",
    "trustno1trustno1", "correcthorsebatterystaple", "batutabatuta", "batuta123456", "admin1234567",
    "admin@123456"};

}  // namespace

bool IsCommonPassword(std::string_view password) {
  std::string lower(password);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return std::find(kCommon.begin(), kCommon.end(), lower) != kCommon.end();
}

}  // namespace batuta::auth
