"""Word lists the generator draws from: names, companies, streets and device details."""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _items(text: str) -> tuple[str, ...]:
    """Comma-separated entries that may contain spaces."""
    return tuple(item.strip() for item in text.split(","))


FIRST_NAMES = _words(
    """
    James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
    Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy
    Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew
    Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa Timothy
    Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob
    Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela
    Justin Emma Scott Nicole Brandon Helen Benjamin Samantha Samuel Katherine Gregory Christine
    Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet Jack Catherine Dennis Maria Jerry
    Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia Douglas
    Victoria Zachary Kelly Peter Lauren Kyle Christina Ethan Joan Walter Evelyn Noah Judith
    Jeremy Megan Christian Andrea Keith Cheryl Roger Hannah Terry Jacqueline Gerald Martha
    Harold Gloria Sean Teresa Austin Ann Carl Sara Arthur Madison Lawrence Frances Dylan Kathryn
    Jesse Janice Jordan Jean Bryan Abigail Billy Alice Rahim Karim Fatima Ayesha Tanvir Nusrat
    Farhan Sadia Imran Rubina Arjun Priya Rohan Ananya Vikram Sneha Wei Mei Jun Yuki Hiroshi
    Sakura Minh Linh Carlos Sofia Diego Lucia Mateo Valentina Luca Giulia Lukas Lea Jonas Mia
    Oskar Ingrid Omar Layla Yusuf Amina Kwame Ama Chinedu Ngozi Pierre Camille
    """
)

LAST_NAMES = _words(
    """
    Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
    Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris
    Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
    Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips
    Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook
    Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward
    Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez
    Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan
    Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson
    Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera
    Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison
    Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker
    Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason
    Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox
    Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan
    Gardner Payne Grant Dunn Rahman Hossain Islam Ahmed Chowdhury Uddin Akter Sarkar Sharma
    Gupta Singh Kumar Reddy Iyer Wang Li Zhang Liu Yamamoto Tanaka Suzuki Pham Hoang Rossi
    Bianchi Ferrari Muller Schneider Fischer Becker Hoffmann Larsen Nielsen Dubois Moreau
    Laurent Okafor Mensah Abubakar Haddad Khalil Nowak Kowalski Novak
    """
)

COMPANY_WORDS = _words(
    """
    Acme Northwind Bluebird Summit Riverside Harbor Evergreen Pioneer Silverline Keystone
    Lakeside Redwood Brightway Crescent Granite Horizon Ironbridge Juniper Maple Oakridge
    Pinnacle Quantum Sterling Tidewater Unity Vertex Westfield Zenith Coastal Metro Union
    Liberty Capital Delta Falcon Orchid Sunrise Apex Beacon Cobalt
    """
)

COMPANY_KINDS = _items(
    """
    Logistics, Dental, Realty, Taxi, Cafe, Builders, Motors, Pharmacy, Consulting, Media,
    Bakery, Clinic, Electric, Security, Travel, Law Office, Print Shop, Fitness, Florist,
    Accounting, School, Hotel, Couriers
    """
)

STREETS = _items(
    """
    Main St, Oak Ave, Park Rd, High St, Station Rd, Church Lane, Mill Rd, Elm St, Lake View,
    River Rd, Kings Way, Market St, Hill Rd, Bridge St
    """
)

CITIES = _items(
    """
    Springfield, Riverton, Fairview, Greenville, Madison, Franklin, Clinton, Georgetown, Dhaka,
    Chittagong, Salem, Bristol, Dover, Ashland
    """
)

TAGS = _items(
    """
    vip, business, warranty, reseller, slow payer, student
    """
)

COLOURS = _items(
    """
    Black, White, Silver, Space Grey, Blue, Midnight, Gold, Red, Green, Purple, Graphite,
    Titanium
    """
)

COMPANY_SUFFIXES: tuple[str, ...] = ("Ltd", "LLC", "Inc", "Co", "GmbH", "", "", "")

PHONE_LABELS: tuple[str, ...] = ("mobile", "home", "work", "")

# (device type, weight, {brand: models}); phones have an IMEI.
DEVICES: tuple[tuple[str, int, dict[str, tuple[str, ...]]], ...] = (
    (
        "Phone",
        60,
        {
            "Apple": ("iPhone 11", "iPhone 12", "iPhone 13", "iPhone 14 Pro", "iPhone 15"),
            "Samsung": ("Galaxy S22", "Galaxy S23", "Galaxy A15", "Galaxy A35", "Galaxy S24"),
            "Google": ("Pixel 7", "Pixel 8", "Pixel 8a", "Pixel 9"),
            "Xiaomi": ("Redmi Note 12", "Redmi Note 13", "Poco X6"),
            "Motorola": ("Moto G54", "Edge 40"),
        },
    ),
    (
        "Laptop",
        15,
        {
            "Apple": ("MacBook Air 13 (M2)", "MacBook Pro 14 (M3)"),
            "Dell": ("Inspiron 15 3520", "Latitude 5440", "XPS 13 9340"),
            "HP": ("Pavilion 15", "ProBook 450 G10"),
            "Lenovo": ("IdeaPad 3", "ThinkPad T14"),
        },
    ),
    (
        "Tablet",
        12,
        {
            "Apple": ("iPad (10th gen)", "iPad Air (M2)"),
            "Samsung": ("Galaxy Tab A9", "Galaxy Tab S9"),
        },
    ),
    (
        "Console",
        8,
        {
            "Sony": ("PlayStation 5", "PlayStation 4"),
            "Nintendo": ("Switch", "Switch OLED"),
            "Microsoft": ("Xbox Series S",),
        },
    ),
    (
        "Smartwatch",
        5,
        {"Apple": ("Watch Series 9", "Watch SE"), "Samsung": ("Galaxy Watch6",)},
    ),
)
