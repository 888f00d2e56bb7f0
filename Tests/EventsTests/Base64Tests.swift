import Events
import Foundation
import Testing

/// `Base64`: the bytes Foundation's encoder writes, and back only from that canonical form.
@Suite struct Base64Tests {
    static func encoded(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = Array("x".utf8)  // appends after what is there
        bytes.withUnsafeBytes { Base64.append($0, to: &out) }
        #expect(out.first == UInt8(ascii: "x"))
        return Array(out.dropFirst())
    }

    static func decoded(_ text: String) -> [UInt8]? {
        Array(text.utf8).withUnsafeBytes { Base64.decodeCanonical($0) }
    }

    @Test func encodesAsFoundationAndDecodesBack() {
        var generator = SystemRandomNumberGenerator()
        for length in Array(0...70) + [255, 256, 257, 1000] {
            for _ in 0..<8 {
                // Given random bytes of every length around the 3-byte groups,
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                // when encoded,
                let text = Self.encoded(bytes)
                // then the text is Foundation's, its length `encodedCount`, and it decodes back.
                #expect(String(decoding: text, as: UTF8.self) == Data(bytes).base64EncodedString(), "\(bytes)")
                #expect(text.count == Base64.encodedCount(length))
                #expect(text.withUnsafeBytes { Base64.decodeCanonical($0) } == bytes)
            }
        }
        #expect(Self.encoded(Array(repeating: 0xFF, count: 3)) == Array("////".utf8))
        #expect(Self.encoded(Array("Man".utf8) + [0xFB]) == Array("TWFu+w==".utf8))
    }

    @Test func everyOtherFormIsRefused() {
        #expect(Self.decoded("") == [])
        #expect(Self.decoded("TQ==") == Array("M".utf8))
        #expect(Self.decoded("TWE=") == Array("Ma".utf8))
        // Given forms Foundation may accept but that do not encode back to themselves:
        // unused bits set (one and two bytes), missing padding, padding inside or in excess,
        // white space, the URL-safe alphabet and other bytes,
        for text in ["TR==", "TQ=A", "TWF=", "TWE", "TQ", "T", "TQ===", "TQ==TQ==", "=TQ=", "TWE =", " TWE=", "TW\nE=",
                     "-_-_", "TW*=", "TWE=\u{0}", "====", "A===", "TWFu\u{FF}A=="] {
            // then none decodes.
            #expect(Self.decoded(text) == nil, "\(text)")
        }
        // The first two decode with Foundation to bytes that encode to another text.
        #expect(Data(base64Encoded: "TR==").map { $0.base64EncodedString() } == "TQ==")
    }
}
