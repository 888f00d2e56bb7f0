import Events
import Fabriek

/// Names, streets, towns and clients for the demo history: Dutch (Limburg) first and family
/// names, Maastricht streets, towns across the borders, and local businesses that publish jobs.
enum HistoryNames {
    static let firstNames = [
        "Sanne", "Daan", "Lotte", "Joep", "Anouk", "Mathieu", "Ingrid", "Sjaak", "Bram", "Femke", "Noor", "Luuk",
        "Maud", "Thijs", "Roel", "Ilse", "Jeroen", "Marieke", "Pieter", "Esther", "Fenna", "Guus", "Hanneke", "Ivo",
        "Jolien", "Koen", "Linda", "Maarten", "Nicole", "Petra", "Rik", "Saskia", "Tom", "Vera", "Wim", "Yvonne",
        "Sjef", "Loes", "Twan", "Mieke", "Huub", "Truus", "Mia", "Sem", "Emma", "Lars", "Fleur", "Jos", "Annemie",
        "Bart", "Chantal", "Dries", "Els", "Frank", "Gertie", "Hein", "Iris", "Jan", "Karin", "Lei", "Marjo",
        "Nadia", "Omar", "Pascale", "Quirine", "Ruud", "Stefanie", "Thei", "Ursula", "Victor", "Wendy", "Youssef",
        "Zoë", "Fatima", "Mehmet", "Aylin", "Kevin", "Lisa", "Max", "Julia",
    ]

    static let familyNames = [
        "Janssen", "Smeets", "Hendriks", "Peters", "Willems", "Schepers", "Vossen", "Kurvers", "Lemmens", "Geurts",
        "Meertens", "Ramakers", "Houben", "Dreessen", "Wetzels", "Crombach", "Bemelmans", "Frijns", "Coenen",
        "van der Linden", "de Vries", "Bakker", "Visser", "van Dijk", "Jacobs", "Beckers", "Lenders", "Claessens",
        "Vliegen", "Pluijmen", "Souren", "Notermans", "Hermans", "Huynen", "Ummels", "Debets", "Ploemen", "Cremers",
        "Nijsten", "Senden", "Gielen", "Habets", "Jongen", "Kessels", "Lardinois", "Moonen", "Ortmans", "Pinckaers",
        "Quaedvlieg", "Rutten", "Stassen", "Thewissen", "Urlings", "Vaessen", "Wijnands", "Xhonneux", "Yilmaz",
        "El Amrani", "Bozkurt", "Nguyen",
    ]

    static let maastrichtStreets = [
        "Rechtstraat", "Wycker Brugstraat", "Tongersestraat", "Meerssenerweg", "Akerstraat", "Scharnerweg",
        "Brusselsestraat", "Boschstraat", "Sint Pieterstraat", "Avenue Céramique", "Hertogsingel", "Oranjeplein",
        "Via Regia", "Burgemeester Cortenstraat", "Koningin Emmaplein", "Cabergerweg", "Statensingel", "Ambyerstraat",
        "Heerderweg", "Bourgognestraat", "Hoogbrugstraat", "Sint Maartenslaan", "Jekerweg", "Mergelweg",
        "Daalhoferweg", "Malbergsingel", "Nazarethweg", "Limmelderweg", "Wolderweg", "Prins Bisschopsingel",
    ]

    /// Towns with their country, postcode and EMR region (for members abroad and work abroad).
    static let belgianTowns: [(name: String, postcode: String, region: EmrRegion)] = [
        ("Lanaken", "3620", .beLimburg), ("Maasmechelen", "3630", .beLimburg), ("Tongeren", "3700", .beLimburg),
        ("Hasselt", "3500", .beLimburg), ("Visé", "4600", .beLiege), ("Liège", "4000", .beLiege),
        ("Eupen", "4700", .beOstbelgien), ("Kelmis", "4720", .beOstbelgien),
    ]
    static let germanTowns: [(name: String, postcode: String, region: EmrRegion)] = [
        ("Aachen", "52062", .deRegionAachen), ("Herzogenrath", "52134", .deRegionAachen),
        ("Stolberg", "52222", .deRegionAachen), ("Eschweiler", "52249", .deRegionAachen),
        ("Düren", "52349", .deRegionAachen),
    ]

    static let businesses = [
        "Boekhandel Dominicanen", "Kruisherenhotel Maastricht", "Mosa Tegels", "MECC Maastricht", "Hotel Derlon",
        "Bakkerij Bisschopsmolen", "Café Sjiek", "Servatius Wonen & Vastgoed", "Brasserie Tribunal",
        "Theater aan het Vrijthof", "Stadsbrouwerij Bierbrouwerij", "Fietsenmaker Wyck", "Drukkerij Mosae",
        "Architectenbureau Jekerdal", "Tandartspraktijk Scharn", "Sportschool Geusselt", "Kinderopvang Ceramique",
        "Wijnhandel Sint Pieter", "Advocatenkantoor Statensingel", "Coworking Landbouwbelang",
    ]

    static let partners = [
        "Gemeente Maastricht", "YouRegion", "Kamer van Koophandel", "Centre Céramique", "MECC Maastricht",
        "Rabobank Zuid-Limburg", "Zuyd Hogeschool", "Maastricht University", "Euregio Maas-Rijn", "Trajekt",
    ]
}
