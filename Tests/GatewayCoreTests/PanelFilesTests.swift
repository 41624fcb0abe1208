import Foundation
import HTTPServerCore
import Testing
@testable import GatewayCore

/// The admin panel's static files: read once from their folder, typed by extension, strict CSP, ETag revalidation,
/// and nothing outside the folder (or hidden, or of an unknown type) ever becomes a route.
struct PanelFilesTests {
    @Test func theFolder_IsServedWithItsTypesAndPolicy_AndNothingElse() throws {
        let root = NSTemporaryDirectory() + "panel-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/js", withIntermediateDirectories: true)
        try "<!doctype html><title>x</title>".write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        try "export const a = 1;".write(toFile: root + "/js/app.js", atomically: true, encoding: .utf8)
        try "secret".write(toFile: root + "/.env", atomically: true, encoding: .utf8)
        try "binary".write(toFile: root + "/notes.exe", atomically: true, encoding: .utf8)
        try "outside".write(toFile: root + "-outside.txt", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: root + "-outside.txt") }

        let panel = PanelFiles.load(directory: root)
        #expect(Set(panel.files.keys) == ["/index.html", "/js/app.js"])
        let script = try #require(panel.files["/js/app.js"])
        #expect(script.contentType == "text/javascript; charset=utf-8")
        let response = PanelFiles.response(script, request: HTTPRequest(method: "GET", target: "/js/app.js"))
        #expect(response.status == 200 && response.body == Array("export const a = 1;".utf8))
        let policy = response.headers["Content-Security-Policy"] ?? ""
        #expect(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe"))
        let again = PanelFiles.response(script, request: HTTPRequest(method: "GET", target: "/js/app.js", headers: ["If-None-Match": script.etag]))
        #expect(again.status == 304 && again.body.isEmpty)
        #expect(PanelFiles.load(directory: root + "/missing").files.isEmpty)
    }

    @Test func theRepositorysPanel_HasItsPagesAndNoInlineScript() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("panel").path
        let panel = PanelFiles.load(directory: folder)
        for page in ["dashboard", "companies", "documents", "chat", "conversations", "prompts", "inbox", "appointments"] {
            #expect(panel.files["/js/pages/\(page).js"] != nil, "missing page \(page)")
        }
        let index = String(decoding: try #require(panel.files["/index.html"]).body, as: UTF8.self)
        #expect(!index.contains("<script>") && !index.contains("style=") && !index.contains("onclick"), "inline code would break the CSP")
        for (path, file) in panel.files where path.hasSuffix(".js") {
            let text = String(decoding: file.body, as: UTF8.self)
            #expect(!text.contains("innerHTML") && !text.contains("outerHTML") && !text.contains("insertAdjacentHTML") && !text.contains("eval("),
                    "\(path) builds HTML from strings")
        }
    }
}
