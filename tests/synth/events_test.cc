#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/time.h"
#include "synth/generator.h"
#include "synth/vocabulary.h"
#include "test_data.h"

namespace candor::synth {
namespace {

using testing::Base;
using testing::BaseBehaviour;
using testing::Behaviour;
using testing::Dataset;
using testing::ForEachRow;
using testing::ParseTs;

// ---- events -------------------------------------------------------------------

TEST(EventsTest, RowsAreWellFormedOrderedAndInsideThePeriod) {
  const Dataset& d = Base();
  std::set<std::string> contacts;
  std::map<std::string, core::Instant> created;
  ForEachRow(d.File("contacts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    contacts.emplace(r[0]);
    created[std::string(r[0])] = ParseTs(r[9]);
  });
  const std::regex ts("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");
  const std::regex value("[0-9]+\\.[0-9]{2}");
  const std::regex campaign("(EM|WB)-[0-9]{4}-[0-9]{2}-[0-9]{2}");
  const std::set<std::string> types = {"email_open",   "email_click", "page_view", "webinar",
                                       "demo_request", "trial_start", "order"};
  std::set<std::string> ids;
  std::string last_contact;
  core::Instant last_ts = 0;
  std::int64_t rows = 0;
  ForEachRow(d.File("events.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    ++rows;
    const std::string contact(r[0]);
    ASSERT_EQ(contacts.count(contact), 1u) << contact;
    const std::string type(r[1]);
    ASSERT_EQ(types.count(type), 1u) << type;
    ASSERT_TRUE(std::regex_match(std::string(r[2]), ts)) << r[2];
    const core::Instant t = ParseTs(r[2]);
    ASSERT_GE(t, d.summary.start);
    ASSERT_LT(t, d.summary.end);
    ASSERT_GE(t, created[contact]);
    ASSERT_GE(contact, last_contact) << "not ordered by contact";
    if (contact == last_contact) {
      ASSERT_GE(t, last_ts) << "not ordered by time";
    }
    last_contact = contact;
    last_ts = t;
    ASSERT_TRUE(ids.emplace(r[3]).second) << "duplicate event id " << r[3];
    ASSERT_EQ(r[3].substr(1, 7), contact.substr(1)) << r[3];
    const bool has_url = type == "page_view" || type == "email_click";
    ASSERT_EQ(!r[4].empty(), has_url) << type;
    if (has_url) {
      ASSERT_EQ(r[4].front(), '/');
    }
    const bool has_campaign = type == "email_open" || type == "email_click" || type == "webinar";
    ASSERT_EQ(!r[5].empty(), has_campaign) << type;
    if (has_campaign) {
      ASSERT_TRUE(std::regex_match(std::string(r[5]), campaign)) << r[5];
    }
    ASSERT_EQ(!r[6].empty(), type == "order") << type;
    if (type == "order") {
      ASSERT_TRUE(std::regex_match(std::string(r[6]), value)) << r[6];
    }
  });
  EXPECT_EQ(rows, d.summary.events);
}

TEST(EventsTest, FewerOnWeekendsAndMostlyInWorkingHours) {
  const Dataset& d = Base();
  std::map<std::string, std::string> zone;
  ForEachRow(d.File("contacts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    zone[std::string(r[0])] = std::string(r[11]);
  });
  std::int64_t weekday = 0, weekend = 0, european = 0, working = 0;
  ForEachRow(d.File("events.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    const core::CivilTime c = core::ToCivil(ParseTs(r[2]));
    (c.weekday == 0 || c.weekday == 6 ? weekend : weekday)++;
    const std::string& z = zone[std::string(r[0])];
    if (z != "Europe/London" && z.rfind("Europe/", 0) == 0) {
      ++european;
      working += c.hour >= 5 && c.hour < 19;  // 07:00-20:00 in CET/CEST
    }
  });
  EXPECT_LT(static_cast<double>(weekend) / 2, 0.45 * static_cast<double>(weekday) / 5);
  EXPECT_GT(static_cast<double>(working), 0.8 * static_cast<double>(european));
}

TEST(EventsTest, CareersVisitsFallWithAgeBand) {
  const Behaviour& b = BaseBehaviour();
  std::map<std::string, std::pair<double, int>> by_band;
  for (const auto& [id, band] : b.band) {
    auto it = b.careers.find(id);
    by_band[band].first += it == b.careers.end() ? 0 : it->second;
    ++by_band[band].second;
  }
  std::vector<double> mean;
  for (const char* band : {"18-24", "25-34", "35-44", "45-54", "55+"}) {
    mean.push_back(by_band[band].first / by_band[band].second);
  }
  for (std::size_t i = 1; i < mean.size(); ++i) {
    EXPECT_LT(mean[i], 0.9 * mean[i - 1]) << i;
  }
  // The step at 55 is what makes the absence of visits a proxy for the band.
  EXPECT_LT(mean[4], 0.2 * mean[3]);
  EXPECT_GT(mean[0], 1.5 * mean[3]);
}

TEST(EventsTest, PricingViewsRiseWithIntent) {
  // Intent is latent; true conversion is its observable consequence.
  const Behaviour& b = BaseBehaviour();
  double converters = 0, others = 0;
  int n_converters = 0, n_others = 0;
  for (const auto& [id, band] : b.band) {
    auto it = b.pricing.find(id);
    const int views = it == b.pricing.end() ? 0 : it->second;
    if (b.true_conversions.count(id)) {
      converters += views;
      ++n_converters;
    } else {
      others += views;
      ++n_others;
    }
  }
  ASSERT_GT(n_converters, 200);
  EXPECT_GT(converters / n_converters, 2 * (others / n_others));
}

TEST(EventsTest, CustomersOrderAndProspectsDoNot) {
  const Dataset& d = Base();
  std::map<std::string, bool> customer;
  ForEachRow(d.File("accounts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    customer[std::string(r[0])] = r[6] == "customer";
  });
  int customers = 0, ordering = 0;
  ForEachRow(d.File("contacts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    const std::string id(r[0]);
    const bool orders = BaseBehaviour().orders.count(id) > 0;
    if (customer[std::string(r[1])]) {
      ++customers;
      ordering += orders;
    } else {
      EXPECT_FALSE(orders) << id;
    }
  });
  ASSERT_GT(customers, 150);
  EXPECT_GT(ordering, customers / 2);
}

}  // namespace
}  // namespace candor::synth
