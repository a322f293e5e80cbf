#include "synth/vocabulary.h"

namespace candor::synth {

namespace {

using sv = std::string_view;

// ---- countries ---------------------------------------------------------------

constexpr int kCet = 60;
constexpr sv kDeAreas[] = {"30", "40", "89", "69", "221", "711"};
constexpr sv kAtAreas[] = {"1", "316", "512", "662"};
constexpr sv kChAreas[] = {"44", "31", "61", "21"};
constexpr sv kFrAreas[] = {"1", "4", "5"};
constexpr sv kNlAreas[] = {"20", "10", "30", "40"};
constexpr sv kEsAreas[] = {"91", "93", "96"};
constexpr sv kItAreas[] = {"02", "06", "011"};
constexpr sv kPlAreas[] = {"22", "12", "71"};
constexpr sv kSeAreas[] = {"8", "31", "40"};
constexpr sv kGbAreas[] = {"20", "161", "131"};
constexpr sv kBeAreas[] = {"2", "3", "9"};
constexpr sv kUsAreas[] = {"212", "312", "415", "617"};

constexpr ZoneChoice kDeZones[] = {{{"Europe/Berlin", kCet, DstRule::kEu}, 1}};
constexpr ZoneChoice kAtZones[] = {{{"Europe/Vienna", kCet, DstRule::kEu}, 1}};
constexpr ZoneChoice kChZones[] = {{{"Europe/Zurich", kCet, DstRule::kEu}, 1}};
constexpr ZoneChoice kFrZones[] = {{{"Europe/Paris", kCet, DstRule::kEu}, 1}};
constexpr ZoneChoice kNlZones[] = {{{"Europe/Amsterdam", kCet, DstRule::kEu}, 1}};
constexpr ZoneChoice kEsZones[] = {{{"Europe/Madrid", kCet, DstRule::kEu}, 1}};
constexpr ZoneChoice kItZones[] = {{{"Europe/Rome", kCet, DstRule::kEu}, 1}};
constexpr ZoneChoice kPlZones[] = {{{"Europe/Warsaw", kCet, DstRule::kEu}, 1}};
constexpr ZoneChoice kSeZones[] = {{{"Europe/Stockholm", kCet, DstRule::kEu}, 1}};
constexpr ZoneChoice kGbZones[] = {{{"Europe/London", 0, DstRule::kEu}, 1}};
constexpr ZoneChoice kBeZones[] = {{{"Europe/Brussels", kCet, DstRule::kEu}, 1}};
constexpr ZoneChoice kUsZones[] = {{{"America/New_York", -300, DstRule::kUs}, 0.5},
                                   {{"America/Chicago", -360, DstRule::kUs}, 0.2},
                                   {{"America/Denver", -420, DstRule::kUs}, 0.1},
                                   {{"America/Los_Angeles", -480, DstRule::kUs}, 0.2}};

constexpr Country kCountries[] = {
    {"DE", 0.30, 0, "de", "+49", kDeAreas, kDeZones, "GmbH"},
    {"AT", 0.07, 0, "de", "+43", kAtAreas, kAtZones, "GmbH"},
    {"CH", 0.07, 0, "de", "+41", kChAreas, kChZones, "AG"},
    {"FR", 0.10, 1, "fr", "+33", kFrAreas, kFrZones, "SAS"},
    {"NL", 0.08, 4, "en", "+31", kNlAreas, kNlZones, "B.V."},
    {"ES", 0.06, 2, "en", "+34", kEsAreas, kEsZones, "S.L."},
    {"IT", 0.07, 3, "en", "+39", kItAreas, kItZones, "S.r.l."},
    {"PL", 0.05, 5, "en", "+48", kPlAreas, kPlZones, "Sp. z o.o."},
    {"SE", 0.04, 6, "en", "+46", kSeAreas, kSeZones, "AB"},
    {"GB", 0.08, 7, "en", "+44", kGbAreas, kGbZones, "Ltd"},
    {"US", 0.06, 7, "en", "+1", kUsAreas, kUsZones, "Inc."},
    {"BE", 0.02, 4, "en", "+32", kBeAreas, kBeZones, "NV"},
};

// ---- firmographics and roles -------------------------------------------------

constexpr Industry kIndustries[] = {
    {"software", 0.14, 0.60, 180'000, {"Software", "Cloud", "Systems"}},
    {"manufacturing", 0.16, 0.20, 220'000, {"Maschinenbau", "Industries", "Fertigung"}},
    {"retail", 0.10, 0.00, 260'000, {"Handel", "Retail", "Stores"}},
    {"financial_services", 0.10, 0.40, 320'000, {"Finanz", "Capital", "Invest"}},
    {"healthcare", 0.08, 0.10, 150'000, {"Medical", "Health", "Pharma"}},
    {"logistics", 0.09, 0.10, 170'000, {"Logistik", "Freight", "Transport"}},
    {"professional_services", 0.12, 0.30, 140'000, {"Beratung", "Advisory", "Legal"}},
    {"telecommunications", 0.05, 0.35, 300'000, {"Telecom", "Connect", "Mobile"}},
    {"energy", 0.06, 0.00, 400'000, {"Energie", "Power", "Solar"}},
    {"public_sector", 0.10, -0.20, 90'000, {"Verwaltung", "Agency", "Institute"}},
};

// Seniority carries no intent: age correlates with seniority, so any intent step
// would make the true conversion rate differ by age band, and the audit could not
// tell that gap from the injected bias. With none, age is independent of the true
// outcome and every age gap in selection comes from the bias (docs/GENERATOR.md).
//                        name       weight intent   18-24 25-34 35-44 45-54 55+
constexpr Seniority kSeniorities[] = {
    {"intern", 0.04, 0.00, {0.80, 0.18, 0.02, 0.00, 0.00}},
    {"junior", 0.16, 0.00, {0.40, 0.48, 0.09, 0.03, 0.00}},
    {"mid", 0.30, 0.00, {0.06, 0.46, 0.30, 0.14, 0.04}},
    {"senior", 0.20, 0.00, {0.01, 0.30, 0.38, 0.22, 0.09}},
    {"manager", 0.15, 0.00, {0.00, 0.20, 0.40, 0.28, 0.12}},
    {"director", 0.08, 0.00, {0.00, 0.05, 0.25, 0.30, 0.40}},
    {"vp", 0.04, 0.00, {0.00, 0.02, 0.18, 0.30, 0.50}},
    {"c_level", 0.03, 0.00, {0.00, 0.02, 0.15, 0.28, 0.55}},
};

constexpr Department kDepartments[] = {
    {"marketing", 0.16, 0.70, 0.5, "Marketing", "Marketing Specialist", "Chief Marketing Officer"},
    {"sales", 0.18, 0.45, 0.5, "Sales", "Account Executive", "Chief Sales Officer"},
    {"it", 0.16, 0.35, 1.0, "IT", "IT Administrator", "Chief Information Officer"},
    {"finance", 0.10, -0.15, 1.5, "Finance", "Accountant", "Chief Financial Officer"},
    {"operations", 0.12, 0.00, 1.5, "Operations", "Operations Analyst", "Chief Operating Officer"},
    {"hr", 0.07, -0.50, 0.3, "HR", "HR Generalist", "Chief People Officer"},
    {"engineering", 0.14, 0.15, 0.7, "Engineering", "Software Engineer",
     "Chief Technology Officer"},
    {"procurement", 0.07, 0.10, 3.0, "Procurement", "Buyer", "Chief Procurement Officer"},
};

constexpr sv kAgeBandNames[] = {"18-24", "25-34", "35-44", "45-54", "55+"};

// ---- account names -------------------------------------------------------------

constexpr sv kBrandPrefixes[] = {
    "Nord",     "Alpen",  "Blau",   "Silber", "Stern", "Rhein", "Isar",   "Elb",      "Donau",
    "Kristall", "Falken", "Wolken", "Sonnen", "Nebel", "Sturm", "Kupfer", "Stahl",    "Lumen",
    "Nova",     "Astra",  "Vela",   "Terra",  "Aqua",  "Orbi",  "Pixel",  "Quanta",   "Vektor",
    "Prisma",   "Helio",  "Aero",   "Omni",   "Polar", "Zenit", "Atlas",  "Kobalt",   "Indigo",
    "Onyx",     "Saphir", "Granit", "Basalt", "Lotus", "Zeder", "Birken", "Eschen",   "Ahorn",
    "Fjord",    "Tundra", "Sirius", "Vega",   "Orion", "Lyra",  "Boreal", "Meridian", "Kompass",
    "Mistral",  "Fusion", "Signal", "Quarz",  "Argon", "Cirrus"};
constexpr sv kBrandRoots[] = {
    "wind",  "feld",   "werk", "licht", "quelle", "hafen",  "tal",   "blick", "punkt", "kraft",
    "logic", "soft",   "net",  "tec",   "data",   "sphere", "scope", "wave",  "line",  "flow",
    "gate",  "bridge", "port", "mark",  "stream", "hub",    "grid",  "core",  "base",  "vista"};
constexpr sv kBrandQualifiers[] = {"Digital",  "Group",      "International", "Solutions",
                                   "Services", "Partners",   "Holding",       "Labs",
                                   "Networks", "Consulting", "Europe",        "Ventures"};

// ---- web paths -----------------------------------------------------------------

constexpr sv kPricingPaths[] = {"/pricing", "/pricing", "/pricing", "/pricing/enterprise"};
constexpr sv kDocsPaths[] = {"/docs/getting-started",
                             "/docs/api",
                             "/docs/integrations/crm",
                             "/docs/integrations/email",
                             "/docs/security",
                             "/docs/data-model",
                             "/docs/sso",
                             "/docs/consent-api"};
constexpr sv kBlogPaths[] = {"/blog/gdpr-consent-basics",     "/blog/lead-scoring-explained",
                             "/blog/b2b-attribution",         "/blog/fairness-in-machine-learning",
                             "/blog/churn-signals",           "/blog/email-deliverability",
                             "/blog/segmentation-with-rfm",   "/blog/data-minimisation",
                             "/blog/marketing-ops-checklist", "/blog/privacy-by-design"};
constexpr sv kProductPaths[] = {"/product/scoring", "/product/segments", "/product/consent",
                                "/product/audit", "/product/integrations"};
constexpr sv kCareersPaths[] = {"/careers",
                                "/careers",
                                "/careers/data-scientist",
                                "/careers/account-executive",
                                "/careers/marketing-manager",
                                "/careers/apprenticeship"};
constexpr sv kClickPaths[] = {"/webinars",
                              "/product/scoring",
                              "/blog/lead-scoring-explained",
                              "/blog/gdpr-consent-basics",
                              "/product/consent",
                              "/events"};

}  // namespace

std::span<const Country> Countries() { return kCountries; }
std::span<const Industry> Industries() { return kIndustries; }
std::span<const Seniority> Seniorities() { return kSeniorities; }
std::span<const Department> Departments() { return kDepartments; }
std::span<const std::string_view> AgeBands() { return kAgeBandNames; }
std::span<const std::string_view> BrandPrefixes() { return kBrandPrefixes; }
std::span<const std::string_view> BrandRoots() { return kBrandRoots; }
std::span<const std::string_view> BrandQualifiers() { return kBrandQualifiers; }
std::span<const std::string_view> PricingPaths() { return kPricingPaths; }
std::span<const std::string_view> DocsPaths() { return kDocsPaths; }
std::span<const std::string_view> BlogPaths() { return kBlogPaths; }
std::span<const std::string_view> ProductPaths() { return kProductPaths; }
std::span<const std::string_view> CareersPaths() { return kCareersPaths; }
std::span<const std::string_view> ClickPaths() { return kClickPaths; }

}  // namespace candor::synth
