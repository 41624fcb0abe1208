/// One result row: its values in column order.
public struct SQLiteRow: Sendable, Equatable {
    public var values: [SQLiteValue]

    public init(values: [SQLiteValue]) { self.values = values }

    /// The value of column `index` (`.null` past the end).
    public subscript(index: Int) -> SQLiteValue { index < values.count ? values[index] : .null }

    public func integer(_ index: Int) -> Int64? { self[index].integerValue }
    public func int(_ index: Int) -> Int? { self[index].integerValue.flatMap { Int(exactly: $0) } }
    public func real(_ index: Int) -> Double? { self[index].realValue }
    public func text(_ index: Int) -> String? { self[index].textValue }
    public func blob(_ index: Int) -> [UInt8]? { self[index].blobValue }
}
