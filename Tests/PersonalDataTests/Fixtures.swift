import EventLog
import Events
import Foundation
import PersonalData

/// Fixed subjects, values and fresh vaults for the vault tests.
enum Fixtures {
    static func id(_ n: UInt8) -> UUID {
        UUID(uuid: (0x5a, 0x1e, n, 0x00, 0x12, 0x34, 0x4a, 0xbc, 0x8d, 0xef, 0x00, 0x11, 0x22, 0x33, 0x44, n))
    }
    static let member = id(1), member2 = id(2), member3 = id(3), consent = id(60)
    static let day = Day(year: 2026, month: 4, day: 29)!
    static let time = Timestamp(microsecondsSinceEpoch: 1_777_456_800_123_456)  // 2026-04-29T10:00:00.123456Z

    static let personal = PersonalDetails(
        legalName: "Ayşe Yılmaz", email: "ayse@example.nl", phone: "+31 43 123 4567",
        address: PostalAddress(street: "Boschstraat", houseNumber: "12a", postcode: "6211 AX", city: "Maastricht", country: .nl))

    /// A fresh empty directory under the temporary directory.
    static func temporaryDirectory(_ name: String = #function) -> String {
        let path = NSTemporaryDirectory() + "fabriek-vault-\(name.filter(\.isLetter))-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A vault in a fresh directory, with a fixed master key from the environment dictionary.
    static func vault(_ name: String = #function) throws -> (PersonalDataVault, String) {
        let dir = temporaryDirectory(name)
        let vault = try PersonalDataVault.open(directory: dir, environment: ["FABRIEK_MASTER_KEY": String(repeating: "ab", count: 32)])
        return (vault, dir)
    }
}
