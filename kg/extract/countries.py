"""A gazetteer of the world's states, present and past: general knowledge, not any article's.

Infobox places end with the country ("L'Aquila Abruzzo Italy") and belligerent lines
glue states together ("Italy Hungary"); a state's name marks where one name ends.
"""

from __future__ import annotations

COUNTRIES: frozenset[str] = frozenset(
    """Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|Austria|
    Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|
    Bosnia and Herzegovina|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|Canada|
    Cape Verde|Central African Republic|Chad|Chile|China|Colombia|Comoros|Republic of the Congo|
    Democratic Republic of the Congo|Costa Rica|Croatia|Cuba|Cyprus|Czech Republic|Czechia|Denmark|Djibouti|
    Dominica|Dominican Republic|East Timor|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|
    Eswatini|Ethiopia|Fiji|Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|
    Guinea-Bissau|Guyana|Haiti|Honduras|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|
    Ivory Coast|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kiribati|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|
    Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|
    Marshall Islands|Mauritania|Mauritius|Mexico|Micronesia|Moldova|Monaco|Mongolia|Montenegro|Morocco|
    Mozambique|Myanmar|Burma|Namibia|Nauru|Nepal|Netherlands|New Zealand|Nicaragua|Niger|Nigeria|North Korea|
    North Macedonia|Norway|Oman|Pakistan|Palau|Palestine|Panama|Papua New Guinea|Paraguay|Peru|Philippines|
    Poland|Portugal|Qatar|Romania|Russia|Rwanda|Saint Kitts and Nevis|Saint Lucia|
    Saint Vincent and the Grenadines|Samoa|San Marino|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|
    Singapore|Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|South Korea|South Sudan|Spain|Sri Lanka|
    Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Togo|Tonga|
    Trinidad and Tobago|Tunisia|Turkey|Türkiye|Turkmenistan|Tuvalu|Uganda|Ukraine|United Arab Emirates|
    United Kingdom|United States|Uruguay|Uzbekistan|Vanuatu|Vatican City|Venezuela|Vietnam|Yemen|Zambia|
    Zimbabwe|Soviet Union|Yugoslavia|Czechoslovakia|East Germany|West Germany|Ottoman Empire|
    Austria-Hungary|Prussia|Kingdom of Prussia|Russian Empire|German Empire|Nazi Germany|French Empire|
    Kingdom of Italy|Empire of Japan|Republic of China|South Vietnam|North Vietnam|Rhodesia|Zaire|
    Confederate States|Kingdom of Iraq|Persia|Siam|Ceylon|Bohemia|Scotland|England|Wales|Great Britain|
    Kingdom of Great Britain|Kingdom of England|Kingdom of France|Holy Roman Empire|Austrian Empire|Spanish Empire|
    British Empire|Dutch Republic|Korea|Byzantine Empire|Mughal Empire|Qing dynasty|Republic of Venice""".replace("\n", "").split("|")
)
COUNTRIES = frozenset(c.strip() for c in COUNTRIES if c.strip())
