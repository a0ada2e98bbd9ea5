"""First and last names by naming tradition, nicknames, and personal email domains.

Names are drawn by tradition, not by country, so a US world holds Patel, Nguyen and García too
(see `places.NAME_MIX_SHARE` and `people.TRADITION_MIX`). Accents and umlauts are kept: they are how people really type their names.
"""

from __future__ import annotations

# fmt: off
FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "anglo": ('James', 'Robert', 'John', 'Michael', 'William', 'David', 'Richard', 'Joseph', 'Thomas',
              'Christopher', 'Daniel', 'Matthew', 'Anthony', 'Andrew', 'Joshua', 'Katherine', 'Mary',
              'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen',
              'Emily', 'Rebecca', 'Laura', 'Margaret', 'Rachel', 'Alexander', 'Benjamin', 'Samuel',
              'Nicholas', 'Jonathan', 'Victoria', 'Abigail', 'Megan', 'Timothy'),
    "german": ('Jürgen', 'Stefan', 'Andreas', 'Thomas', 'Michael', 'Klaus', 'Matthias', 'Markus', 'Jörg',
               'Tobias', 'Sabine', 'Petra', 'Katrin', 'Anja', 'Ursula', 'Julia', 'Lena', 'Annika', 'Björn',
               'Dominik'),
    "french": ('Jean', 'Pierre', 'Nicolas', 'François', 'Julien', 'Mathieu', 'Sébastien', 'Olivier',
               'Hélène', 'Camille', 'Chloé', 'Isabelle', 'Céline', 'Nathalie', 'Amélie', 'Élodie',
               'Antoine', 'Benoît'),
    "nordic": ('Lars', 'Anders', 'Erik', 'Søren', 'Magnus', 'Johan', 'Mikael', 'Åsa', 'Ingrid', 'Karin',
               'Sofia', 'Maja', 'Freja', 'Sigrid', 'Henrik', 'Mette'),
    "dutch": ('Jan', 'Pieter', 'Sander', 'Bram', 'Joost', 'Sanne', 'Femke', 'Lotte', 'Eva', 'Maarten'),
    "italian": ('Giuseppe', 'Marco', 'Luca', 'Alessandro', 'Francesco', 'Giulia', 'Chiara', 'Francesca',
                'Elena', 'Paola', 'Niccolò', 'Matteo'),
    "spanish": ('José', 'Carlos', 'Javier', 'Miguel', 'Alejandro', 'María', 'Lucía', 'Carmen', 'Ana',
                'Sofía', 'Andrés', 'Inés'),
    "portuguese": ('João', 'Pedro', 'Rafael', 'Lucas', 'Ana', 'Beatriz', 'Camila', 'Fernanda', 'Thiago'),
    "japanese": ('Hiroshi', 'Takeshi', 'Kenji', 'Yuki', 'Haruto', 'Satoshi', 'Akiko', 'Yumiko', 'Naoko',
                 'Sakura', 'Kaori', 'Daisuke'),
    "chinese": ('Wei', 'Jing', 'Li', 'Min', 'Jun', 'Yan', 'Xiaoming', 'Hui', 'Lei', 'Ying', 'Hao', 'Xin'),
    "korean": ('Min-jun', 'Seo-yeon', 'Ji-ho', 'Ji-woo', 'Hyun-woo', 'Soo-jin', 'Dong-hyun', 'Eun-ji'),
    "indian": ('Rahul', 'Priya', 'Amit', 'Anjali', 'Vikram', 'Sanjay', 'Deepa', 'Arjun', 'Kavya', 'Rohan',
               'Neha', 'Suresh'),
    "hebrew": ('Yosef', 'Noa', 'Avi', 'Tamar', 'Eitan', 'Shira', 'Yael', 'Omer'),
}

LAST_NAMES: dict[str, tuple[str, ...]] = {
    "anglo": ('Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson',
              'Taylor', 'Thomas', 'Moore', 'Martin', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis',
              'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Hill', 'Green', 'Adams',
              'Baker', 'Nelson', 'Carter', 'Mitchell', 'Roberts', 'Campbell', "O'Brien", "O'Connor",
              'McDonald', 'Murphy', 'Kelly', 'Sullivan'),
    "german": ('Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz',
               'Hoffmann', 'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann',
               'Zimmermann', 'Krüger'),
    "french": ('Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy',
               'Moreau', 'Lefèvre', 'Girard', 'Rousseau', 'Fournier', "D'Angelo"),
    "nordic": ('Johansson', 'Andersson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsen', 'Jensen', 'Nielsen',
               'Hansen', 'Pedersen', 'Lindqvist', 'Bergström', 'Sørensen', 'Åberg'),
    "dutch": ('de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Visser', 'Smit'),
    "italian": ('Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino',
                'Greco', 'De Luca'),
    "spanish": ('García', 'Rodríguez', 'González', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez',
                'Gómez', 'Núñez', 'Jiménez'),
    "portuguese": ('Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Costa'),
    "japanese": ('Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura',
                 'Kobayashi', 'Kato'),
    "chinese": ('Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun'),
    "korean": ('Kim', 'Lee', 'Park', 'Choi', 'Jung', 'Kang', 'Cho', 'Yoon'),
    "indian": ('Patel', 'Sharma', 'Singh', 'Kumar', 'Gupta', 'Reddy', 'Iyer', 'Nair', 'Rao', 'Mehta',
               'Agarwal', 'Banerjee'),
    "hebrew": ('Cohen', 'Levi', 'Mizrahi', 'Peretz', 'Biton', 'Friedman', 'Katz', 'Avraham'),
}

# Formal name -> what the same person types on a trade-show badge scan or a webinar form.
NICKNAMES: dict[str, str] = {
    'Robert': 'Bob', 'William': 'Bill', 'Richard': 'Dick', 'James': 'Jim', 'Michael': 'Mike',
    'Christopher': 'Chris', 'Daniel': 'Dan', 'Matthew': 'Matt', 'Anthony': 'Tony', 'Andrew': 'Andy',
    'Joshua': 'Josh', 'Katherine': 'Kate', 'Patricia': 'Pat', 'Jennifer': 'Jen', 'Elizabeth': 'Liz',
    'Barbara': 'Barb', 'Susan': 'Sue', 'Jessica': 'Jess', 'Rebecca': 'Becky', 'Margaret': 'Maggie',
    'Alexander': 'Alex', 'Benjamin': 'Ben', 'Samuel': 'Sam', 'Nicholas': 'Nick', 'Jonathan': 'Jon',
    'Victoria': 'Vicky', 'Abigail': 'Abby', 'Timothy': 'Tim', 'Joseph': 'Joe', 'Thomas': 'Tom',
    'David': 'Dave', 'John': 'Jack', 'Andreas': 'Andi', 'Matthias': 'Matze', 'Tobias': 'Tobi',
    'Alessandro': 'Alex', 'Francesco': 'Checco', 'Giuseppe': 'Beppe', 'Alejandro': 'Alex',
    'Francesca': 'Franci', 'Emily': 'Em', 'Megan': 'Meg',
}

PERSONAL_EMAIL_DOMAINS: dict[str, tuple[str, ...]] = {
    "default": ('gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'protonmail.com'),
    "DE": ('gmx.de', 'web.de', 't-online.de', 'gmail.com'),
    "FR": ('orange.fr', 'free.fr', 'gmail.com', 'laposte.net'),
    "CN": ('qq.com', '163.com', '126.com', 'gmail.com'),
    "JP": ('yahoo.co.jp', 'gmail.com', 'docomo.ne.jp'),
    "KR": ('naver.com', 'daum.net', 'gmail.com'),
    "GB": ('gmail.com', 'btinternet.com', 'hotmail.co.uk', 'outlook.com'),
    "IN": ('gmail.com', 'rediffmail.com', 'yahoo.co.in'),
}

# Values a defect swaps in for a name or company; see defects.py.
HOSTILE_NAMES: tuple[str, ...] = (
    '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<b>Dr.</b> Smith',
    '"><svg onload=alert(document.domain)>',
)
SOQL_BREAKERS: tuple[str, ...] = (
    "O'Brien", "Robert'); DROP TABLE Lead;--", "\\' OR 1=1 --", "D'Angelo' OR Name LIKE '%",
    "L'Oréal Recherche",
)
UNICODE_NAMES: tuple[str, ...] = (
    '王伟', '李娜', '山田 太郎', '김민준', 'מרים כהן', 'محمد', 'Zoë 🧬', '🔬 Lab', 'Ølaf\u200b', 'José', 'Ἀλέξανδρος',
    'Дмитрий',
)
# fmt: on
