import Foundation

extension SQLiteDatabase {
    /// Opens the database at `path`, creating the file and its directory if needed, and applies `migrations`:
    /// how every store of the services opens its embedded database.
    public static func open(path: String, migrations: [SQLiteMigration], readers: Int = 2) async throws(SQLiteError) -> SQLiteDatabase {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let database = try await SQLiteDatabase(path: path, readers: readers)
        _ = try await database.migrate(migrations)
        return database
    }
}
