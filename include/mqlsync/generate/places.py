"""Countries with realistic weights for a life-sciences audience, their regions, how people type them,
and the consent regime that applies (EU/EEA/UK and Switzerland need an opt-in before marketing email).
"""

from __future__ import annotations

# ISO alpha-2 -> (weight, region, name tradition, free-text variants as typed into forms)
COUNTRIES: dict[str, tuple[float, str, str, tuple[str, ...]]] = {
    "US": (0.41, "NA", "anglo", ("United States", "US", "USA", "U.S.A.", "United States of America", "usa")),
    "DE": (0.07, "EMEA", "german", ("Germany", "DE", "Deutschland", "germany")),
    "GB": (0.065, "EMEA", "anglo", ("United Kingdom", "UK", "GB", "England", "Great Britain")),
    "FR": (0.045, "EMEA", "french", ("France", "FR", "france")),
    "JP": (0.045, "APAC", "japanese", ("Japan", "JP", "日本")),
    "CN": (0.05, "APAC", "chinese", ("China", "CN", "PRC", "中国")),
    "CA": (0.035, "NA", "anglo", ("Canada", "CA", "canada")),
    "CH": (0.025, "EMEA", "german", ("Switzerland", "CH", "Schweiz", "Suisse")),
    "NL": (0.02, "EMEA", "dutch", ("Netherlands", "NL", "The Netherlands", "Holland")),
    "SE": (0.015, "EMEA", "nordic", ("Sweden", "SE", "Sverige")),
    "IT": (0.025, "EMEA", "italian", ("Italy", "IT", "Italia")),
    "ES": (0.02, "EMEA", "spanish", ("Spain", "ES", "España")),
    "KR": (0.02, "APAC", "korean", ("South Korea", "KR", "Korea, Republic of", "Korea")),
    "AU": (0.02, "APAC", "anglo", ("Australia", "AU", "australia")),
    "IN": (0.03, "APAC", "indian", ("India", "IN", "india")),
    "BR": (0.015, "LATAM", "portuguese", ("Brazil", "BR", "Brasil")),
    "IL": (0.01, "EMEA", "hebrew", ("Israel", "IL")),
    "DK": (0.012, "EMEA", "nordic", ("Denmark", "DK", "Danmark")),
    "BE": (0.012, "EMEA", "french", ("Belgium", "BE", "Belgique", "België")),
    "IE": (0.008, "EMEA", "anglo", ("Ireland", "IE")),
    "AT": (0.008, "EMEA", "german", ("Austria", "AT", "Österreich")),
    "SG": (0.01, "APAC", "chinese", ("Singapore", "SG")),
    "MX": (0.008, "LATAM", "spanish", ("Mexico", "MX", "México")),
    "PL": (0.007, "EMEA", "anglo", ("Poland", "PL", "Polska")),
    "FI": (0.005, "EMEA", "nordic", ("Finland", "FI", "Suomi")),
    "NO": (0.005, "EMEA", "nordic", ("Norway", "NO", "Norge")),
}

# EU/EEA member states, the UK and Switzerland: marketing email needs an opt-in.
OPT_IN_COUNTRIES: frozenset[str] = frozenset(
    {"DE", "GB", "FR", "CH", "NL", "SE", "IT", "ES", "DK", "BE", "IE", "AT", "PL", "FI", "NO"}
)

# Share of people in a country whose name comes from another tradition (immigration, expats).
NAME_MIX_SHARE: float = 0.22

INVALID_COUNTRIES: tuple[str, ...] = ("Narnia", "XX", "Europe", "N/A", "123", "Earth", "EU", "--")

STATES: dict[str, tuple[str, ...]] = {
    "US": ("CA", "MA", "NY", "NJ", "PA", "TX", "NC", "MD", "WA", "IL", "FL", "OH", "MN", "CO", "GA", "MO"),
    "CA": ("ON", "QC", "BC", "AB", "NS"),
    "AU": ("NSW", "VIC", "QLD", "WA"),
}

CITIES: dict[str, tuple[str, ...]] = {
    "US": (
        "Boston",
        "Cambridge",
        "San Diego",
        "South San Francisco",
        "Seattle",
        "Houston",
        "Raleigh",
        "Durham",
        "Philadelphia",
        "Baltimore",
        "New York",
        "Chicago",
        "Minneapolis",
        "Denver",
        "Atlanta",
        "St. Louis",
    ),
    "DE": ("Berlin", "München", "Heidelberg", "Hamburg", "Frankfurt", "Köln", "Mainz"),
    "GB": ("London", "Cambridge", "Oxford", "Manchester", "Edinburgh", "Glasgow"),
    "FR": ("Paris", "Lyon", "Strasbourg", "Marseille", "Toulouse"),
    "JP": ("Tokyo", "Osaka", "Kyoto", "Kobe", "Yokohama"),
    "CN": ("Shanghai", "Beijing", "Suzhou", "Shenzhen", "Hangzhou"),
    "CA": ("Toronto", "Montréal", "Vancouver", "Calgary"),
    "CH": ("Basel", "Zürich", "Geneva", "Lausanne"),
    "NL": ("Amsterdam", "Leiden", "Utrecht", "Rotterdam"),
    "SE": ("Stockholm", "Uppsala", "Gothenburg", "Lund"),
    "IT": ("Milano", "Roma", "Torino", "Bologna"),
    "ES": ("Madrid", "Barcelona", "Valencia", "Sevilla"),
    "KR": ("Seoul", "Incheon", "Daejeon"),
    "AU": ("Sydney", "Melbourne", "Brisbane", "Perth"),
    "IN": ("Bengaluru", "Hyderabad", "Mumbai", "Pune"),
    "BR": ("São Paulo", "Rio de Janeiro", "Belo Horizonte"),
    "IL": ("Tel Aviv", "Rehovot", "Jerusalem", "Haifa"),
    "DK": ("Copenhagen", "Aarhus", "Odense"),
    "BE": ("Brussels", "Leuven", "Ghent", "Antwerp"),
    "IE": ("Dublin", "Cork", "Galway"),
    "AT": ("Wien", "Graz", "Innsbruck"),
    "SG": ("Singapore",),
    "MX": ("Ciudad de México", "Guadalajara", "Monterrey"),
    "PL": ("Warszawa", "Kraków", "Wrocław"),
    "FI": ("Helsinki", "Turku", "Oulu"),
    "NO": ("Oslo", "Bergen", "Trondheim"),
}

# Company web domains end like this in each country (default .com).
TLDS: dict[str, str] = {
    "DE": "de",
    "GB": "co.uk",
    "FR": "fr",
    "JP": "co.jp",
    "CN": "com.cn",
    "CA": "ca",
    "CH": "ch",
    "NL": "nl",
    "SE": "se",
    "IT": "it",
    "ES": "es",
    "KR": "co.kr",
    "AU": "com.au",
    "IN": "in",
    "BR": "com.br",
    "IL": "co.il",
    "DK": "dk",
    "BE": "be",
    "IE": "ie",
    "AT": "at",
    "SG": "com.sg",
    "MX": "com.mx",
    "PL": "pl",
    "FI": "fi",
    "NO": "no",
}
ACADEMIC_TLDS: dict[str, str] = {
    "US": "edu",
    "GB": "ac.uk",
    "JP": "ac.jp",
    "AU": "edu.au",
    "CN": "edu.cn",
    "KR": "ac.kr",
    "IL": "ac.il",
    "IN": "ac.in",
}
