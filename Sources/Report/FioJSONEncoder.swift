import Foundation
import Stats

/// Encodes any `Encodable` as fio prints JSON: keys in the order they were encoded, two-space
/// indent, `"key" : value`, floating-point numbers with six decimals (C's `%f`), integers as
/// integers. Foundation's JSONEncoder would reorder keys (percentiles, iodepth buckets) and
/// print floats differently; tools that diff against fio's output prefer the same look.
public struct FioJSONEncoder {
    /// Leave out json+ `bins` (plain `json`).
    public var includeBins = true

    public init(includeBins: Bool = true) { self.includeBins = includeBins }

    public func encode<T: Encodable>(_ value: T) throws -> String {
        let root = JNode()
        try value.encode(to: NodeEncoder(node: root, codingPath: [], userInfo: [.fioIncludeBins: includeBins]))
        var out = ""
        root.render(indent: 0, into: &out)
        return out
    }
}

/// A JSON value under construction; scalars are kept as their final text.
final class JNode {
    enum Kind { case undecided, object, array, scalar }
    var kind = Kind.undecided
    var keys: [String] = []
    var children: [JNode] = []
    var text = "null"

    func child(forKey key: String) -> JNode {
        kind = .object
        if let i = keys.firstIndex(of: key) { children[i] = JNode(); return children[i] }
        let n = JNode()
        keys.append(key)
        children.append(n)
        return n
    }

    func appendChild() -> JNode {
        kind = .array
        let n = JNode()
        children.append(n)
        return n
    }

    func set(_ scalar: String) { kind = .scalar; text = scalar }

    func render(indent: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: indent + 1), closePad = String(repeating: "  ", count: indent)
        switch kind {
        case .scalar:
            out += text
        case .undecided:
            out += "null"
        case .object:
            if children.isEmpty { out += "{}"; return }
            out += "{\n"
            for i in children.indices {
                out += pad + JNode.quote(keys[i]) + " : "
                children[i].render(indent: indent + 1, into: &out)
                out += i == children.count - 1 ? "\n" : ",\n"
            }
            out += closePad + "}"
        case .array:
            if children.isEmpty { out += "[]"; return }
            out += "[\n"
            for i in children.indices {
                out += pad
                children[i].render(indent: indent + 1, into: &out)
                out += i == children.count - 1 ? "\n" : ",\n"
            }
            out += closePad + "]"
        }
    }

    static func quote(_ s: String) -> String {
        var r = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": r += "\\\""
            case "\\": r += "\\\\"
            case "\n": r += "\\n"
            case "\r": r += "\\r"
            case "\t": r += "\\t"
            case _ where u.value < 0x20: r += String(format: "\\u%04x", u.value)
            default: r.unicodeScalars.append(u)
            }
        }
        return r + "\""
    }

    static func number(_ d: Double) -> String { d.isFinite ? String(format: "%f", d) : "0.000000" }
}

struct NodeEncoder: Encoder {
    let node: JNode
    var codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any]

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.kind = .object
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(node: node, codingPath: codingPath, userInfo: userInfo))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        node.kind = .array
        return UnkeyedNodeContainer(node: node, codingPath: codingPath, userInfo: userInfo)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        SingleNodeContainer(node: node, codingPath: codingPath, userInfo: userInfo)
    }
}

/// Scalar conversions shared by the three container kinds.
protocol NodeWriting {
    var userInfo: [CodingUserInfoKey: Any] { get }
    var codingPath: [CodingKey] { get }
}

extension NodeWriting {
    func write<T: Encodable>(_ value: T, into node: JNode, key: CodingKey?) throws {
        switch value {
        case let v as String: node.set(JNode.quote(v))
        case let v as Bool: node.set(v ? "true" : "false")
        case let v as Double: node.set(JNode.number(v))
        case let v as Float: node.set(JNode.number(Double(v)))
        case let v as any BinaryInteger: node.set(String(describing: v))
        default:
            let path = key.map { codingPath + [$0] } ?? codingPath
            try value.encode(to: NodeEncoder(node: node, codingPath: path, userInfo: userInfo))
        }
    }
}

struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol, NodeWriting {
    let node: JNode
    var codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any]

    mutating func encodeNil(forKey key: Key) throws { node.child(forKey: key.stringValue).set("null") }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try write(value, into: node.child(forKey: key.stringValue), key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let c = node.child(forKey: key.stringValue)
        c.kind = .object
        return KeyedEncodingContainer(
            KeyedNodeContainer<NestedKey>(node: c, codingPath: codingPath + [key], userInfo: userInfo))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        let c = node.child(forKey: key.stringValue)
        c.kind = .array
        return UnkeyedNodeContainer(node: c, codingPath: codingPath + [key], userInfo: userInfo)
    }

    mutating func superEncoder() -> Encoder {
        NodeEncoder(node: node.child(forKey: "super"), codingPath: codingPath, userInfo: userInfo)
    }

    mutating func superEncoder(forKey key: Key) -> Encoder {
        NodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key], userInfo: userInfo)
    }
}

struct UnkeyedNodeContainer: UnkeyedEncodingContainer, NodeWriting {
    let node: JNode
    var codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any]
    var count: Int { node.children.count }

    mutating func encodeNil() throws { node.appendChild().set("null") }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try write(value, into: node.appendChild(), key: nil)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        let c = node.appendChild()
        c.kind = .object
        return KeyedEncodingContainer(
            KeyedNodeContainer<NestedKey>(node: c, codingPath: codingPath, userInfo: userInfo))
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        let c = node.appendChild()
        c.kind = .array
        return UnkeyedNodeContainer(node: c, codingPath: codingPath, userInfo: userInfo)
    }

    mutating func superEncoder() -> Encoder {
        NodeEncoder(node: node.appendChild(), codingPath: codingPath, userInfo: userInfo)
    }
}

struct SingleNodeContainer: SingleValueEncodingContainer, NodeWriting {
    let node: JNode
    var codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any]

    mutating func encodeNil() throws { node.set("null") }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try write(value, into: node, key: nil)
    }
}
