#include "scheduler/describe.h"

#include <array>
#include <bitset>
#include <cstddef>
#include <optional>
#include <vector>

namespace batuta::scheduler {
namespace {

// Everything that differs between languages. Day arrays are indexed by c_encoding (0 = Sunday).
struct Language {
  const char* and_word;
  const char* or_word;
  const char* every_minute;
  const char* every_n_minutes;  // prefix of "every 15 minutes"
  const char* minutes_word;
  const char* every_second;
  const char* every_n_seconds;
  const char* seconds_word;
  const char* every_hour;
  const char* every_n_hours;
  const char* hours_word;
  const char* at_minute;  // " at minute 5"
  const char* at;         // "at 06:00"
  const char* every_day;
  const char* every_weekday;
  const char* on_weekdays;  // after a repeating phrase: "every 15 minutes on weekdays"
  const char* on_day;       // "on day 1 of the month"
  const char* on_days;
  const char* of_the_month;
  const char* in_month;
  const char* weekdays_prefix;            // once before the list: "on Monday and Friday"
  std::array<const char*, 7> on_weekday;  // "Sunday" / "aos domingos"
  std::array<const char*, 13> months;
  std::array<const char*, 7> short_days;
  const char* zone_prefix;  // ", " + prefix + city + suffix
  const char* zone_suffix;
  // Field-by-field fallback.
  const char* second_label;
  const char* minute_label;
  const char* hour_label;
  const char* dom_label;
  const char* month_label;
  const char* dow_label;
  const char* every_second_field;
  const char* every_minute_field;
  const char* every_hour_field;
  const char* every_day_field;
  const char* every_month_field;
};

const Language kEnglish{
    " and ",
    " or ",
    "every minute",
    "every ",
    " minutes",
    "every second",
    "every ",
    " seconds",
    "every hour",
    "every ",
    " hours",
    " at minute ",
    "at ",
    "every day",
    "every weekday",
    " on weekdays",
    "on day ",
    "on days ",
    " of the month",
    "in ",
    "on ",
    {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
    {"", "January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"},
    {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
    ", ",
    " time",
    "second ",
    "minute ",
    "hour ",
    "day of month ",
    "month ",
    "day of week ",
    "every second",
    "every minute",
    "every hour",
    "every day",
    "every month",
};

const Language kPortuguese{
    " e ",
    " ou ",
    "a cada minuto",
    "a cada ",
    " minutos",
    "a cada segundo",
    "a cada ",
    " segundos",
    "a cada hora",
    "a cada ",
    " horas",
    " no minuto ",
    "às ",
    "todo dia",
    "todo dia útil",
    " em dias úteis",
    "no dia ",
    "nos dias ",
    " do mês",
    "em ",
    "",
    {"aos domingos", "às segundas", "às terças", "às quartas", "às quintas", "às sextas",
     "aos sábados"},
    {"", "janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
     "outubro", "novembro", "dezembro"},
    {"dom", "seg", "ter", "qua", "qui", "sex", "sáb"},
    ", horário de ",
    "",
    "segundo ",
    "minuto ",
    "hora ",
    "dia do mês ",
    "mês ",
    "dia da semana ",
    "todo segundo",
    "todo minuto",
    "toda hora",
    "todo dia",
    "todo mês",
};

struct AccentedCity {
  std::string_view plain;
  std::string_view accented;
};
constexpr std::array<AccentedCity, 14> kAccentedCities = {{
    {"Sao Paulo", "São Paulo"},
    {"Belem", "Belém"},
    {"Maceio", "Maceió"},
    {"Araguaina", "Araguaína"},
    {"Cuiaba", "Cuiabá"},
    {"Santarem", "Santarém"},
    {"Eirunepe", "Eirunepé"},
    {"Bogota", "Bogotá"},
    {"Asuncion", "Asunción"},
    {"Merida", "Mérida"},
    {"Cancun", "Cancún"},
    {"Ciudad Juarez", "Ciudad Juárez"},
    {"Sao Tome", "São Tomé"},
    {"Mazatlan", "Mazatlán"},
}};

constexpr std::array<std::string_view, 8> kUtcAliases = {
    "UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"};

std::string TwoDigits(int value) {
  return std::string(1, static_cast<char>('0' + value / 10)) + static_cast<char>('0' + value % 10);
}

std::string JoinWords(const std::vector<std::string>& words, const Language& lang) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? lang.and_word : ", ";
    out += words[i];
  }
  return out;
}

template <std::size_t N>
std::vector<int> Values(const std::bitset<N>& bits, int first, int last) {
  std::vector<int> values;
  for (int i = first; i <= last; ++i) {
    if (bits[static_cast<std::size_t>(i)]) values.push_back(i);
  }
  return values;
}

// Whether `values` is exactly {0, n, 2n, ...} over [0, span) with n > 1 dividing span.
std::optional<int> EvenStep(const std::vector<int>& values, int span) {
  if (values.size() < 2 || values[0] != 0) return std::nullopt;
  const int step = values[1];
  if (step < 2 || span % step != 0 || static_cast<int>(values.size()) != span / step) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] != static_cast<int>(i) * step) return std::nullopt;
  }
  return step;
}

// "0-5,10,20-30" (or with names when given).
std::string Compact(const std::vector<int>& values, const char* const* names = nullptr) {
  auto name = [&](int v) { return names != nullptr ? std::string(names[v]) : std::to_string(v); };
  std::string out;
  for (std::size_t i = 0; i < values.size();) {
    std::size_t j = i;
    while (j + 1 < values.size() && values[j + 1] == values[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += name(values[i]);
    if (j > i) {
      out += j == i + 1 ? ',' : '-';
      out += name(values[j]);
    }
    i = j + 1;
  }
  return out;
}

// "on Monday and Friday" / "às segundas e às sextas", Monday first.
std::string WeekdaysPhrase(const std::bitset<7>& days, const Language& lang) {
  std::vector<std::string> words;
  for (unsigned i = 1; i <= 7; ++i) {  // Monday first
    if (days[i % 7]) words.emplace_back(lang.on_weekday[i % 7]);
  }
  return lang.weekdays_prefix + JoinWords(words, lang);
}

bool IsMondayToFriday(const std::bitset<7>& days) { return days == std::bitset<7>(0b0111110); }

// The day part of a description. `leading` is set when it should open the sentence ("every
// weekday at 06:00"); it stays empty when the day part follows the time ("at 00:00 on Sunday").
struct DayPhrase {
  std::string leading;
  std::string trailing;
};

std::optional<DayPhrase> DescribeDays(const std::bitset<32>* dom, bool dom_restricted,
                                      const std::bitset<7>& dow, bool dow_restricted,
                                      const Language& lang, bool times_first) {
  const bool all_dom = dom == nullptr || dom->count() == 31;
  const bool all_dow = dow.count() == 7;
  DayPhrase phrase;
  std::string dom_text;
  if (!all_dom) {
    const auto values = Values(*dom, 1, 31);
    std::vector<std::string> words;
    words.reserve(values.size());
    for (const int v : values) words.push_back(std::to_string(v));
    dom_text = std::string(values.size() == 1 ? lang.on_day : lang.on_days) +
               JoinWords(words, lang) + lang.of_the_month;
  }
  if (all_dom && all_dow) {
    if (times_first) phrase.leading = lang.every_day;
    return phrase;
  }
  if (!all_dom && !all_dow) {
    // Both restricted: Vixie's OR rule. Anything else here would be an AND of partial sets.
    if (!(dom_restricted && dow_restricted)) return std::nullopt;
    phrase.trailing = dom_text + lang.or_word + WeekdaysPhrase(dow, lang);
    return phrase;
  }
  if (!all_dom) {
    phrase.trailing = dom_text;
    return phrase;
  }
  if (IsMondayToFriday(dow)) {
    if (times_first) {
      phrase.leading = lang.every_weekday;
    } else {
      phrase.trailing = std::string(lang.on_weekdays).substr(1);
    }
    return phrase;
  }
  phrase.trailing = WeekdaysPhrase(dow, lang);
  return phrase;
}

std::string MonthsPhrase(const std::bitset<13>& months, const Language& lang) {
  if (months.count() == 12) return "";
  std::vector<std::string> words;
  for (const int m : Values(months, 1, 12))
    words.emplace_back(lang.months[static_cast<std::size_t>(m)]);
  return std::string(lang.in_month) + JoinWords(words, lang);
}

std::string TimesPhrase(const std::vector<std::string>& times, const Language& lang) {
  return std::string(lang.at) + JoinWords(times, lang);
}

// Assembles "<leading> <times>" / "<times> <trailing>" / "<repeating> <trailing>" + months.
std::string Assemble(const std::string& time_part, bool times_first, const DayPhrase& days,
                     const std::string& months) {
  std::string out;
  if (times_first && !days.leading.empty()) {
    out = days.leading + " " + time_part;
  } else {
    out = time_part;
  }
  if (!days.trailing.empty()) out += " " + days.trailing;
  if (!months.empty()) out += " " + months;
  return out;
}

std::string FieldByField(const CronExpression& cron, const Language& lang) {
  std::vector<std::string> parts;
  auto field = [&](const auto& bits, int first, int last, const char* label, const char* every,
                   const char* const* names) {
    const auto values = Values(bits, first, last);
    if (static_cast<int>(values.size()) == last - first + 1) {
      parts.emplace_back(every);
    } else {
      parts.push_back(std::string(label) + Compact(values, names));
    }
  };
  if (cron.has_seconds()) {
    field(cron.seconds(), 0, 59, lang.second_label, lang.every_second_field, nullptr);
  }
  field(cron.minutes(), 0, 59, lang.minute_label, lang.every_minute_field, nullptr);
  field(cron.hours(), 0, 23, lang.hour_label, lang.every_hour_field, nullptr);
  const bool all_dom = cron.days_of_month().count() == 31;
  const bool all_dow = cron.days_of_week().count() == 7;
  const std::string dom =
      std::string(lang.dom_label) + Compact(Values(cron.days_of_month(), 1, 31));
  const std::string dow = std::string(lang.dow_label) +
                          Compact(Values(cron.days_of_week(), 0, 6), lang.short_days.data());
  if (all_dom && all_dow) {
    parts.emplace_back(lang.every_day_field);
  } else if (all_dow) {
    parts.push_back(dom);
  } else if (all_dom) {
    parts.push_back(dow);
  } else {
    const bool either = cron.day_of_month_restricted() && cron.day_of_week_restricted();
    parts.push_back(dom + (either ? lang.or_word : lang.and_word) + dow);
  }
  if (cron.months().count() == 12) {
    parts.emplace_back(lang.every_month_field);
  } else {
    parts.push_back(std::string(lang.month_label) + Compact(Values(cron.months(), 1, 12)));
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i > 0 ? "; " : "") + parts[i];
  return out;
}

std::string DescribeCron(const CronExpression& cron, const Language& lang) {
  const auto seconds = Values(cron.seconds(), 0, 59);
  const auto minutes = Values(cron.minutes(), 0, 59);
  const auto hours = Values(cron.hours(), 0, 23);
  const bool zero_seconds = seconds.size() == 1 && seconds[0] == 0;
  const bool all_minutes = minutes.size() == 60;
  const bool all_hours = hours.size() == 24;

  std::string time_part;
  bool times_first = false;
  if (!zero_seconds) {
    const auto step = EvenStep(seconds, 60);
    if (all_minutes && all_hours && (seconds.size() == 60 || step)) {
      time_part = seconds.size() == 60
                      ? std::string(lang.every_second)
                      : lang.every_n_seconds + std::to_string(*step) + lang.seconds_word;
    } else if (seconds.size() == 1 && minutes.size() * hours.size() <= 12) {
      std::vector<std::string> times;
      for (const int h : hours) {
        for (const int m : minutes) {
          times.push_back(TwoDigits(h) + ":" + TwoDigits(m) + ":" + TwoDigits(seconds[0]));
        }
      }
      time_part = TimesPhrase(times, lang);
      times_first = true;
    }
  } else if (all_minutes && all_hours) {
    time_part = lang.every_minute;
  } else if (const auto step = EvenStep(minutes, 60); step && all_hours) {
    time_part = lang.every_n_minutes + std::to_string(*step) + lang.minutes_word;
  } else if (minutes.size() == 1 && all_hours) {
    time_part = lang.every_hour;
    if (minutes[0] != 0) time_part += lang.at_minute + std::to_string(minutes[0]);
  } else if (const auto hour_step = EvenStep(hours, 24); minutes.size() == 1 && hour_step) {
    time_part = lang.every_n_hours + std::to_string(*hour_step) + lang.hours_word;
    if (minutes[0] != 0) time_part += lang.at_minute + std::to_string(minutes[0]);
  } else if (!all_hours && minutes.size() * hours.size() <= 12) {
    std::vector<std::string> times;
    for (const int h : hours) {
      for (const int m : minutes) times.push_back(TwoDigits(h) + ":" + TwoDigits(m));
    }
    time_part = TimesPhrase(times, lang);
    times_first = true;
  }
  if (time_part.empty()) return FieldByField(cron, lang);
  const auto days =
      DescribeDays(&cron.days_of_month(), cron.day_of_month_restricted(), cron.days_of_week(),
                   cron.day_of_week_restricted(), lang, times_first);
  if (!days) return FieldByField(cron, lang);
  return Assemble(time_part, times_first, *days, MonthsPhrase(cron.months(), lang));
}

std::string DescribeTimeSet(const WeekdayTimeSet& set, const Language& lang) {
  std::vector<std::string> times;
  for (const LocalTime& t : set.times()) times.push_back(t.ToString());
  const auto days = DescribeDays(nullptr, false, set.weekdays(), true, lang, true);
  return Assemble(TimesPhrase(times, lang), true, *days, "");
}

}  // namespace

std::string ZoneCityName(std::string_view iana_name) {
  for (const std::string_view alias : kUtcAliases) {
    if (iana_name == alias) return "UTC";
  }
  const std::size_t slash = iana_name.rfind('/');
  std::string city(slash == std::string_view::npos ? iana_name : iana_name.substr(slash + 1));
  for (char& c : city) {
    if (c == '_') c = ' ';
  }
  for (const AccentedCity& entry : kAccentedCities) {
    if (city == entry.plain) return std::string(entry.accented);
  }
  return city;
}

std::string Describe(const ScheduleSpec& spec, std::string_view language) {
  const Language& lang = (language == "pt-BR" || language == "pt") ? kPortuguese : kEnglish;
  std::string text;
  if (const auto* cron = std::get_if<CronExpression>(&spec.pattern())) {
    text = DescribeCron(*cron, lang);
  } else {
    text = DescribeTimeSet(std::get<WeekdayTimeSet>(spec.pattern()), lang);
  }
  const std::string city = ZoneCityName(spec.timezone());
  if (city == "UTC") return text + ", UTC";
  return text + lang.zone_prefix + city + lang.zone_suffix;
}

}  // namespace batuta::scheduler
