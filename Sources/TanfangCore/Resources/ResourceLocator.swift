import Foundation

/// Problems reading the data files under `Resources`.
public enum ResourceError: Error, CustomStringConvertible, Equatable {
    case notFound(searched: [String])
    case malformed(file: String, detail: String)
    case duplicateKey(file: String, key: String)
    case invalid(file: String, detail: String)

    public var description: String {
        switch self {
        case .notFound(let searched):
            "Resources folder not found (set TANFANG_RESOURCES); looked in: \(searched.joined(separator: ", "))"
        case .malformed(let file, let detail): "\(file): malformed JSON: \(detail)"
        case .duplicateKey(let file, let key): "\(file): key \(key) is defined twice"
        case .invalid(let file, let detail): "\(file): \(detail)"
        }
    }
}

/// Finds the `Resources` folder that holds the form definition, rules and string catalogs.
///
/// Order: `TANFANG_RESOURCES`; a `Resources` folder above the executable (a build inside the
/// checkout); `/usr/share/tanfang`; the checkout this file was compiled from.
public enum ResourceLocator {
    static let marker = "forms/visit-record.json"

    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 executable: String = CommandLine.arguments.first ?? "") throws -> URL {
        var candidates: [URL] = []
        if let env = environment["TANFANG_RESOURCES"], !env.isEmpty {
            candidates.append(URL(fileURLWithPath: env))
        }
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("Resources"))
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: "/usr/share/tanfang"))
        candidates.append(sourceCheckout)
        for c in candidates where FileManager.default.fileExists(atPath: c.appendingPathComponent(marker).path) {
            return c
        }
        throw ResourceError.notFound(searched: candidates.map(\.path))
    }

    /// `<checkout>/Resources`, from this source file's path (also what tests use).
    public static var sourceCheckout: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources")
    }
}

extension ResourceLocator {
    /// Reads and decodes the JSON file at `relativePath` under `resources`.
    ///
    /// Every data file goes through here, so a missing file, an unreadable one and bad JSON are
    /// reported the same way, each naming the file. Returns the path too, for the caller's own checks.
    public static func decode<T: Decodable>(_ type: T.Type, at relativePath: String,
                                            in resources: URL) throws -> (value: T, path: String) {
        let url = resources.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ResourceError.notFound(searched: [url.path])
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ResourceError.invalid(file: url.path, detail: "cannot read: \(error.localizedDescription)")
        }
        do {
            return (try JSONDecoder().decode(T.self, from: data), url.path)
        } catch {
            throw ResourceError.malformed(file: url.path, detail: String(describing: error))
        }
    }
}
