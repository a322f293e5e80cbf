#include "synth/vocabulary.h"

namespace candor::synth {

namespace {

using sv = std::string_view;

// ---- names (20 female, 20 male, 30 surnames per group) -------------------------

constexpr Name kDeFemale[] = {
    {"Anna", "anna"},       {"Lena", "lena"},           {"Julia", "julia"},
    {"Laura", "laura"},     {"Sarah", "sarah"},         {"Lisa", "lisa"},
    {"Katharina", "katharina"}, {"Sophie", "sophie"},   {"Hannah", "hannah"},
    {"Leonie", "leonie"},   {"Marie", "marie"},         {"Johanna", "johanna"},
    {"Sabine", "sabine"},   {"Claudia", "claudia"},     {"Petra", "petra"},
    {"Andrea", "andrea"},   {"Monika", "monika"},       {"Stefanie", "stefanie"},
    {"Jülide", "juelide"},  {"Birgit", "birgit"}};
constexpr Name kDeMale[] = {
    {"Lukas", "lukas"},     {"Jonas", "jonas"},         {"Felix", "felix"},
    {"Maximilian", "maximilian"}, {"Paul", "paul"},     {"Leon", "leon"},
    {"Tobias", "tobias"},   {"Florian", "florian"},     {"Stefan", "stefan"},
    {"Michael", "michael"}, {"Thomas", "thomas"},       {"Andreas", "andreas"},
    {"Markus", "markus"},   {"Christian", "christian"}, {"Daniel", "daniel"},
    {"Matthias", "matthias"}, {"Jürgen", "juergen"},    {"Uwe", "uwe"},
    {"Wolfgang", "wolfgang"}, {"Sebastian", "sebastian"}};
constexpr Name kDeSurnames[] = {
    {"Müller", "mueller"},  {"Schmidt", "schmidt"},   {"Schneider", "schneider"},
    {"Fischer", "fischer"}, {"Weber", "weber"},       {"Meyer", "meyer"},
    {"Wagner", "wagner"},   {"Becker", "becker"},     {"Schulz", "schulz"},
    {"Hoffmann", "hoffmann"}, {"Schäfer", "schaefer"}, {"Koch", "koch"},
    {"Bauer", "bauer"},     {"Richter", "richter"},   {"Klein", "klein"},
    {"Wolf", "wolf"},       {"Schröder", "schroeder"}, {"Neumann", "neumann"},
    {"Schwarz", "schwarz"}, {"Zimmermann", "zimmermann"}, {"Braun", "braun"},
    {"Krüger", "krueger"},  {"Hofmann", "hofmann"},   {"Hartmann", "hartmann"},
    {"Lange", "lange"},     {"Schmitt", "schmitt"},   {"Werner", "werner"},
    {"Krause", "krause"},   {"Meier", "meier"},       {"Lehmann", "lehmann"}};

constexpr Name kFrFemale[] = {
    {"Camille", "camille"}, {"Léa", "lea"},           {"Manon", "manon"},
    {"Chloé", "chloe"},     {"Inès", "ines"},         {"Juliette", "juliette"},
    {"Louise", "louise"},   {"Emma", "emma"},         {"Claire", "claire"},
    {"Élodie", "elodie"},   {"Margaux", "margaux"},   {"Céline", "celine"},
    {"Aurélie", "aurelie"}, {"Mathilde", "mathilde"}, {"Pauline", "pauline"},
    {"Amélie", "amelie"},   {"Charlotte", "charlotte"}, {"Océane", "oceane"},
    {"Nathalie", "nathalie"}, {"Sophie", "sophie"}};
constexpr Name kFrMale[] = {
    {"Louis", "louis"},     {"Hugo", "hugo"},         {"Gabriel", "gabriel"},
    {"Arthur", "arthur"},   {"Jules", "jules"},       {"Mathis", "mathis"},
    {"Théo", "theo"},       {"Nicolas", "nicolas"},   {"Antoine", "antoine"},
    {"Julien", "julien"},   {"Pierre", "pierre"},     {"Mathieu", "mathieu"},
    {"Guillaume", "guillaume"}, {"Alexandre", "alexandre"}, {"Olivier", "olivier"},
    {"François", "francois"}, {"Benoît", "benoit"},   {"Vincent", "vincent"},
    {"Romain", "romain"},   {"Sébastien", "sebastien"}};
constexpr Name kFrSurnames[] = {
    {"Martin", "martin"},   {"Bernard", "bernard"},   {"Dubois", "dubois"},
    {"Durand", "durand"},   {"Leroy", "leroy"},       {"Moreau", "moreau"},
    {"Simon", "simon"},     {"Laurent", "laurent"},   {"Lefebvre", "lefebvre"},
    {"Michel", "michel"},   {"Fournier", "fournier"}, {"Girard", "girard"},
    {"Bonnet", "bonnet"},   {"Dupont", "dupont"},     {"Lambert", "lambert"},
    {"Fontaine", "fontaine"}, {"Rousseau", "rousseau"}, {"Lefèvre", "lefevre"},
    {"Mercier", "mercier"}, {"Blanc", "blanc"},       {"Guérin", "guerin"},
    {"Boyer", "boyer"},     {"Garnier", "garnier"},   {"Chevalier", "chevalier"},
    {"Legrand", "legrand"}, {"Gauthier", "gauthier"}, {"Perrin", "perrin"},
    {"Clément", "clement"}, {"Morel", "morel"},       {"Roux", "roux"}};

constexpr Name kEsFemale[] = {
    {"María", "maria"},     {"Lucía", "lucia"},       {"Carmen", "carmen"},
    {"Sofía", "sofia"},     {"Paula", "paula"},       {"Laura", "laura"},
    {"Marta", "marta"},     {"Elena", "elena"},       {"Alba", "alba"},
    {"Sara", "sara"},       {"Cristina", "cristina"}, {"Isabel", "isabel"},
    {"Pilar", "pilar"},     {"Raquel", "raquel"},     {"Beatriz", "beatriz"},
    {"Rocío", "rocio"},     {"Nuria", "nuria"},       {"Silvia", "silvia"},
    {"Ana", "ana"},         {"Irene", "irene"}};
constexpr Name kEsMale[] = {
    {"Javier", "javier"},   {"Alejandro", "alejandro"}, {"Pablo", "pablo"},
    {"Daniel", "daniel"},   {"David", "david"},       {"Carlos", "carlos"},
    {"Sergio", "sergio"},   {"Manuel", "manuel"},     {"Jorge", "jorge"},
    {"Álvaro", "alvaro"},   {"Diego", "diego"},       {"Adrián", "adrian"},
    {"Miguel", "miguel"},   {"Rubén", "ruben"},       {"Iván", "ivan"},
    {"Fernando", "fernando"}, {"Raúl", "raul"},       {"Óscar", "oscar"},
    {"Antonio", "antonio"}, {"José", "jose"}};
constexpr Name kEsSurnames[] = {
    {"García", "garcia"},   {"Fernández", "fernandez"}, {"González", "gonzalez"},
    {"Rodríguez", "rodriguez"}, {"López", "lopez"},   {"Martínez", "martinez"},
    {"Sánchez", "sanchez"}, {"Pérez", "perez"},       {"Gómez", "gomez"},
    {"Jiménez", "jimenez"}, {"Ruiz", "ruiz"},         {"Hernández", "hernandez"},
    {"Díaz", "diaz"},       {"Moreno", "moreno"},     {"Muñoz", "munoz"},
    {"Álvarez", "alvarez"}, {"Romero", "romero"},     {"Alonso", "alonso"},
    {"Gutiérrez", "gutierrez"}, {"Navarro", "navarro"}, {"Torres", "torres"},
    {"Domínguez", "dominguez"}, {"Vázquez", "vazquez"}, {"Ramos", "ramos"},
    {"Gil", "gil"},         {"Ramírez", "ramirez"},   {"Serrano", "serrano"},
    {"Blanco", "blanco"},   {"Molina", "molina"},     {"Castro", "castro"}};

constexpr Name kItFemale[] = {
    {"Giulia", "giulia"},   {"Francesca", "francesca"}, {"Chiara", "chiara"},
    {"Martina", "martina"}, {"Alessia", "alessia"},   {"Federica", "federica"},
    {"Elisa", "elisa"},     {"Valentina", "valentina"}, {"Giorgia", "giorgia"},
    {"Paola", "paola"},     {"Roberta", "roberta"},   {"Ilaria", "ilaria"},
    {"Serena", "serena"},   {"Beatrice", "beatrice"}, {"Alice", "alice"},
    {"Arianna", "arianna"}, {"Aurora", "aurora"},     {"Camilla", "camilla"},
    {"Noemi", "noemi"},     {"Greta", "greta"}};
constexpr Name kItMale[] = {
    {"Luca", "luca"},       {"Marco", "marco"},       {"Alessandro", "alessandro"},
    {"Matteo", "matteo"},   {"Lorenzo", "lorenzo"},   {"Andrea", "andrea"},
    {"Francesco", "francesco"}, {"Giuseppe", "giuseppe"}, {"Davide", "davide"},
    {"Simone", "simone"},   {"Federico", "federico"}, {"Riccardo", "riccardo"},
    {"Stefano", "stefano"}, {"Giovanni", "giovanni"}, {"Paolo", "paolo"},
    {"Roberto", "roberto"}, {"Fabio", "fabio"},       {"Emanuele", "emanuele"},
    {"Nicola", "nicola"},   {"Tommaso", "tommaso"}};
constexpr Name kItSurnames[] = {
    {"Rossi", "rossi"},     {"Russo", "russo"},       {"Ferrari", "ferrari"},
    {"Esposito", "esposito"}, {"Bianchi", "bianchi"}, {"Romano", "romano"},
    {"Colombo", "colombo"}, {"Ricci", "ricci"},       {"Marino", "marino"},
    {"Greco", "greco"},     {"Bruno", "bruno"},       {"Gallo", "gallo"},
    {"Conti", "conti"},     {"Costa", "costa"},       {"Giordano", "giordano"},
    {"Mancini", "mancini"}, {"Rizzo", "rizzo"},       {"Lombardi", "lombardi"},
    {"Moretti", "moretti"}, {"Barbieri", "barbieri"}, {"Fontana", "fontana"},
    {"Santoro", "santoro"}, {"Mariani", "mariani"},   {"Rinaldi", "rinaldi"},
    {"Caruso", "caruso"},   {"Ferrara", "ferrara"},   {"Galli", "galli"},
    {"Martini", "martini"}, {"Leone", "leone"},       {"Longo", "longo"}};

constexpr Name kNlFemale[] = {
    {"Emma", "emma"},       {"Sanne", "sanne"},       {"Fleur", "fleur"},
    {"Lotte", "lotte"},     {"Anouk", "anouk"},       {"Femke", "femke"},
    {"Lieke", "lieke"},     {"Eva", "eva"},           {"Iris", "iris"},
    {"Noor", "noor"},       {"Tess", "tess"},         {"Roos", "roos"},
    {"Mila", "mila"},       {"Esmee", "esmee"},       {"Marloes", "marloes"},
    {"Ilse", "ilse"},       {"Annelies", "annelies"}, {"Inge", "inge"},
    {"Maaike", "maaike"},   {"Julia", "julia"}};
constexpr Name kNlMale[] = {
    {"Daan", "daan"},       {"Sem", "sem"},           {"Lucas", "lucas"},
    {"Milan", "milan"},     {"Bram", "bram"},         {"Thijs", "thijs"},
    {"Jesse", "jesse"},     {"Ruben", "ruben"},       {"Sven", "sven"},
    {"Niels", "niels"},     {"Joost", "joost"},       {"Pieter", "pieter"},
    {"Jeroen", "jeroen"},   {"Wouter", "wouter"},     {"Bas", "bas"},
    {"Koen", "koen"},       {"Maarten", "maarten"},   {"Rik", "rik"},
    {"Tim", "tim"},         {"Sander", "sander"}};
constexpr Name kNlSurnames[] = {
    {"Jansen", "jansen"},   {"Visser", "visser"},     {"Smit", "smit"},
    {"Bakker", "bakker"},   {"Janssen", "janssen"},   {"Mulder", "mulder"},
    {"Bos", "bos"},         {"Vos", "vos"},           {"Peters", "peters"},
    {"Hendriks", "hendriks"}, {"Dekker", "dekker"},   {"Brouwer", "brouwer"},
    {"Dijkstra", "dijkstra"}, {"Kok", "kok"},         {"Jacobs", "jacobs"},
    {"Vermeulen", "vermeulen"}, {"Willems", "willems"}, {"Hoekstra", "hoekstra"},
    {"Koster", "koster"},   {"Prins", "prins"},       {"Huisman", "huisman"},
    {"Kuiper", "kuiper"},   {"Postma", "postma"},     {"Verhoeven", "verhoeven"},
    {"Timmermans", "timmermans"}, {"Groen", "groen"}, {"Schouten", "schouten"},
    {"Veenstra", "veenstra"}, {"Kramer", "kramer"},   {"Vink", "vink"}};

constexpr Name kPlFemale[] = {
    {"Anna", "anna"},       {"Zofia", "zofia"},       {"Maja", "maja"},
    {"Zuzanna", "zuzanna"}, {"Natalia", "natalia"},   {"Aleksandra", "aleksandra"},
    {"Katarzyna", "katarzyna"}, {"Magdalena", "magdalena"}, {"Agnieszka", "agnieszka"},
    {"Joanna", "joanna"},   {"Małgorzata", "malgorzata"}, {"Ewa", "ewa"},
    {"Monika", "monika"},   {"Karolina", "karolina"}, {"Paulina", "paulina"},
    {"Dominika", "dominika"}, {"Weronika", "weronika"}, {"Marta", "marta"},
    {"Justyna", "justyna"}, {"Julia", "julia"}};
constexpr Name kPlMale[] = {
    {"Jakub", "jakub"},     {"Kacper", "kacper"},     {"Antoni", "antoni"},
    {"Szymon", "szymon"},   {"Filip", "filip"},       {"Mateusz", "mateusz"},
    {"Bartosz", "bartosz"}, {"Piotr", "piotr"},       {"Krzysztof", "krzysztof"},
    {"Tomasz", "tomasz"},   {"Paweł", "pawel"},       {"Marcin", "marcin"},
    {"Michał", "michal"},   {"Łukasz", "lukasz"},     {"Grzegorz", "grzegorz"},
    {"Adam", "adam"},       {"Wojciech", "wojciech"}, {"Rafał", "rafal"},
    {"Kamil", "kamil"},     {"Dawid", "dawid"}};
constexpr Name kPlSurnames[] = {
    {"Nowak", "nowak"},     {"Kowalski", "kowalski"}, {"Wiśniewski", "wisniewski"},
    {"Wójcik", "wojcik"},   {"Kowalczyk", "kowalczyk"}, {"Kamiński", "kaminski"},
    {"Lewandowski", "lewandowski"}, {"Zieliński", "zielinski"}, {"Szymański", "szymanski"},
    {"Woźniak", "wozniak"}, {"Dąbrowski", "dabrowski"}, {"Kozłowski", "kozlowski"},
    {"Jankowski", "jankowski"}, {"Mazur", "mazur"},   {"Kwiatkowski", "kwiatkowski"},
    {"Krawczyk", "krawczyk"}, {"Piotrowski", "piotrowski"}, {"Grabowski", "grabowski"},
    {"Nowakowski", "nowakowski"}, {"Pawłowski", "pawlowski"}, {"Michalski", "michalski"},
    {"Nowicki", "nowicki"}, {"Adamczyk", "adamczyk"}, {"Dudek", "dudek"},
    {"Zając", "zajac"},     {"Wieczorek", "wieczorek"}, {"Jabłoński", "jablonski"},
    {"Król", "krol"},       {"Majewski", "majewski"}, {"Olszewski", "olszewski"}};

constexpr Name kSvFemale[] = {
    {"Elsa", "elsa"},       {"Alice", "alice"},       {"Maja", "maja"},
    {"Astrid", "astrid"},   {"Ebba", "ebba"},         {"Wilma", "wilma"},
    {"Freja", "freja"},     {"Saga", "saga"},         {"Linnea", "linnea"},
    {"Ingrid", "ingrid"},   {"Karin", "karin"},       {"Kristina", "kristina"},
    {"Birgitta", "birgitta"}, {"Elin", "elin"},       {"Ida", "ida"},
    {"Malin", "malin"},     {"Emelie", "emelie"},     {"Frida", "frida"},
    {"Hanna", "hanna"},     {"Sofia", "sofia"}};
constexpr Name kSvMale[] = {
    {"Erik", "erik"},       {"Lars", "lars"},         {"Anders", "anders"},
    {"Johan", "johan"},     {"Karl", "karl"},         {"Nils", "nils"},
    {"Oskar", "oskar"},     {"Gustav", "gustav"},     {"Axel", "axel"},
    {"Olof", "olof"},       {"Magnus", "magnus"},     {"Henrik", "henrik"},
    {"Mikael", "mikael"},   {"Fredrik", "fredrik"},   {"Mattias", "mattias"},
    {"Björn", "bjoern"},    {"Per", "per"},           {"Sven", "sven"},
    {"Linus", "linus"},     {"Hugo", "hugo"}};
constexpr Name kSvSurnames[] = {
    {"Andersson", "andersson"}, {"Johansson", "johansson"}, {"Karlsson", "karlsson"},
    {"Nilsson", "nilsson"}, {"Eriksson", "eriksson"}, {"Larsson", "larsson"},
    {"Olsson", "olsson"},   {"Persson", "persson"},   {"Svensson", "svensson"},
    {"Gustafsson", "gustafsson"}, {"Pettersson", "pettersson"}, {"Jonsson", "jonsson"},
    {"Jansson", "jansson"}, {"Hansson", "hansson"},   {"Bengtsson", "bengtsson"},
    {"Lindberg", "lindberg"}, {"Jakobsson", "jakobsson"}, {"Magnusson", "magnusson"},
    {"Lindström", "lindstroem"}, {"Olofsson", "olofsson"}, {"Lindqvist", "lindqvist"},
    {"Lindgren", "lindgren"}, {"Axelsson", "axelsson"}, {"Berglund", "berglund"},
    {"Sandberg", "sandberg"}, {"Forsberg", "forsberg"}, {"Lundgren", "lundgren"},
    {"Mattsson", "mattsson"}, {"Holm", "holm"},       {"Sjöberg", "sjoeberg"}};

constexpr Name kEnFemale[] = {
    {"Emily", "emily"},     {"Olivia", "olivia"},     {"Amelia", "amelia"},
    {"Jessica", "jessica"}, {"Rebecca", "rebecca"},   {"Lucy", "lucy"},
    {"Grace", "grace"},     {"Megan", "megan"},       {"Rachel", "rachel"},
    {"Jennifer", "jennifer"}, {"Ashley", "ashley"},   {"Lauren", "lauren"},
    {"Samantha", "samantha"}, {"Victoria", "victoria"}, {"Abigail", "abigail"},
    {"Madison", "madison"}, {"Natalie", "natalie"},   {"Katie", "katie"},
    {"Amy", "amy"},         {"Elizabeth", "elizabeth"}};
constexpr Name kEnMale[] = {
    {"James", "james"},     {"Oliver", "oliver"},     {"George", "george"},
    {"Harry", "harry"},     {"Jack", "jack"},         {"William", "william"},
    {"Noah", "noah"},       {"Thomas", "thomas"},     {"Benjamin", "benjamin"},
    {"Samuel", "samuel"},   {"Joshua", "joshua"},     {"Ryan", "ryan"},
    {"Matthew", "matthew"}, {"Andrew", "andrew"},     {"John", "john"},
    {"Robert", "robert"},   {"Christopher", "christopher"}, {"Jacob", "jacob"},
    {"Ethan", "ethan"},     {"Liam", "liam"}};
constexpr Name kEnSurnames[] = {
    {"Smith", "smith"},     {"Jones", "jones"},       {"Williams", "williams"},
    {"Taylor", "taylor"},   {"Brown", "brown"},       {"Davies", "davies"},
    {"Evans", "evans"},     {"Wilson", "wilson"},     {"Johnson", "johnson"},
    {"Roberts", "roberts"}, {"Walker", "walker"},     {"Wright", "wright"},
    {"Robinson", "robinson"}, {"Thompson", "thompson"}, {"White", "white"},
    {"Hughes", "hughes"},   {"Edwards", "edwards"},   {"Green", "green"},
    {"Hall", "hall"},       {"Wood", "wood"},         {"Harris", "harris"},
    {"Clarke", "clarke"},   {"Jackson", "jackson"},   {"Turner", "turner"},
    {"Hill", "hill"},       {"Moore", "moore"},       {"Cooper", "cooper"},
    {"Ward", "ward"},       {"Morris", "morris"},     {"King", "king"}};

constexpr NameGroup kNameGroups[] = {
    {"de", kDeFemale, kDeMale, kDeSurnames}, {"fr", kFrFemale, kFrMale, kFrSurnames},
    {"es", kEsFemale, kEsMale, kEsSurnames}, {"it", kItFemale, kItMale, kItSurnames},
    {"nl", kNlFemale, kNlMale, kNlSurnames}, {"pl", kPlFemale, kPlMale, kPlSurnames},
    {"sv", kSvFemale, kSvMale, kSvSurnames}, {"en", kEnFemale, kEnMale, kEnSurnames}};
constexpr const NameGroup* kDe = &kNameGroups[0];
constexpr const NameGroup* kFr = &kNameGroups[1];
constexpr const NameGroup* kEs = &kNameGroups[2];
constexpr const NameGroup* kIt = &kNameGroups[3];
constexpr const NameGroup* kNl = &kNameGroups[4];
constexpr const NameGroup* kPl = &kNameGroups[5];
constexpr const NameGroup* kSv = &kNameGroups[6];
constexpr const NameGroup* kEn = &kNameGroups[7];

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
    {"DE", 0.30, kDe, "de", "+49", kDeAreas, kDeZones, "GmbH"},
    {"AT", 0.07, kDe, "de", "+43", kAtAreas, kAtZones, "GmbH"},
    {"CH", 0.07, kDe, "de", "+41", kChAreas, kChZones, "AG"},
    {"FR", 0.10, kFr, "fr", "+33", kFrAreas, kFrZones, "SAS"},
    {"NL", 0.08, kNl, "en", "+31", kNlAreas, kNlZones, "B.V."},
    {"ES", 0.06, kEs, "en", "+34", kEsAreas, kEsZones, "S.L."},
    {"IT", 0.07, kIt, "en", "+39", kItAreas, kItZones, "S.r.l."},
    {"PL", 0.05, kPl, "en", "+48", kPlAreas, kPlZones, "Sp. z o.o."},
    {"SE", 0.04, kSv, "en", "+46", kSeAreas, kSeZones, "AB"},
    {"GB", 0.08, kEn, "en", "+44", kGbAreas, kGbZones, "Ltd"},
    {"US", 0.06, kEn, "en", "+1", kUsAreas, kUsZones, "Inc."},
    {"BE", 0.02, kNl, "en", "+32", kBeAreas, kBeZones, "NV"},
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

//                        name       weight intent   18-24 25-34 35-44 45-54 55+
constexpr Seniority kSeniorities[] = {
    {"intern", 0.04, -1.00, {0.80, 0.18, 0.02, 0.00, 0.00}},
    {"junior", 0.16, -0.50, {0.35, 0.50, 0.10, 0.04, 0.01}},
    {"mid", 0.30, 0.00, {0.05, 0.40, 0.30, 0.17, 0.08}},
    {"senior", 0.20, 0.20, {0.01, 0.25, 0.35, 0.25, 0.14}},
    {"manager", 0.15, 0.45, {0.00, 0.20, 0.38, 0.27, 0.15}},
    {"director", 0.08, 0.65, {0.00, 0.08, 0.35, 0.35, 0.22}},
    {"vp", 0.04, 0.75, {0.00, 0.05, 0.30, 0.37, 0.28}},
    {"c_level", 0.03, 0.60, {0.00, 0.03, 0.25, 0.37, 0.35}},
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
    "Nord",    "Alpen",   "Blau",    "Silber",  "Stern",    "Rhein",  "Isar",    "Elb",
    "Donau",   "Kristall", "Falken", "Wolken",  "Sonnen",   "Nebel",  "Sturm",   "Kupfer",
    "Stahl",   "Lumen",   "Nova",    "Astra",   "Vela",     "Terra",  "Aqua",    "Orbi",
    "Pixel",   "Quanta",  "Vektor",  "Prisma",  "Helio",    "Aero",   "Omni",    "Polar",
    "Zenit",   "Atlas",   "Kobalt",  "Indigo",  "Onyx",     "Saphir", "Granit",  "Basalt",
    "Lotus",   "Zeder",   "Birken",  "Eschen",  "Ahorn",    "Fjord",  "Tundra",  "Sirius",
    "Vega",    "Orion",   "Lyra",    "Boreal",  "Meridian", "Kompass", "Mistral", "Fusion",
    "Signal",  "Quarz",   "Argon",   "Cirrus"};
constexpr sv kBrandRoots[] = {
    "wind",  "feld",   "werk",   "licht", "quelle", "hafen", "tal",    "blick", "punkt", "kraft",
    "logic", "soft",   "net",    "tec",   "data",   "sphere", "scope", "wave",  "line",  "flow",
    "gate",  "bridge", "port",   "mark",  "stream", "hub",   "grid",   "core",  "base",  "vista"};
constexpr sv kBrandQualifiers[] = {"Digital",  "Group",    "International", "Solutions",
                                   "Services", "Partners", "Holding",       "Labs",
                                   "Networks", "Consulting", "Europe",      "Ventures"};

// ---- web paths -----------------------------------------------------------------

constexpr sv kPricingPaths[] = {"/pricing", "/pricing", "/pricing", "/pricing/enterprise"};
constexpr sv kDocsPaths[] = {"/docs/getting-started", "/docs/api",        "/docs/integrations/crm",
                             "/docs/integrations/email", "/docs/security", "/docs/data-model",
                             "/docs/sso",             "/docs/consent-api"};
constexpr sv kBlogPaths[] = {"/blog/gdpr-consent-basics",   "/blog/lead-scoring-explained",
                             "/blog/b2b-attribution",       "/blog/fairness-in-machine-learning",
                             "/blog/churn-signals",         "/blog/email-deliverability",
                             "/blog/segmentation-with-rfm", "/blog/data-minimisation",
                             "/blog/marketing-ops-checklist", "/blog/privacy-by-design"};
constexpr sv kProductPaths[] = {"/product/scoring", "/product/segments", "/product/consent",
                                "/product/audit", "/product/integrations"};
constexpr sv kCareersPaths[] = {"/careers", "/careers", "/careers/data-scientist",
                                "/careers/account-executive", "/careers/marketing-manager",
                                "/careers/apprenticeship"};
constexpr sv kClickPaths[] = {"/webinars", "/product/scoring", "/blog/lead-scoring-explained",
                              "/blog/gdpr-consent-basics", "/product/consent", "/events"};

}  // namespace

std::span<const Country> Countries() { return kCountries; }
std::span<const Industry> Industries() { return kIndustries; }
std::span<const Seniority> Seniorities() { return kSeniorities; }
std::span<const Department> Departments() { return kDepartments; }
std::span<const NameGroup> NameGroups() { return kNameGroups; }
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
