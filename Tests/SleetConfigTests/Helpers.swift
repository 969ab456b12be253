@testable import SleetConfig

/// The auth section every otherwise-valid test config needs.
let authSection = """
plugins:
  auth_file:
    users: [{ user: app, password_hash: "*72B37E3F4D899EDC98A9363172669E192CE424D5" }]
"""

/// Parses `yaml` as "t.yaml" and returns the errors as "LINE:COLUMN: message" (empty if it loaded).
func loadErrors(_ yaml: String, environment: [String: String] = [:]) -> [String] {
    do {
        _ = try SleetConfig.parse(yaml: yaml, path: "t.yaml", environment: environment)
        return []
    } catch let errors as ConfigErrors {
        return errors.errors.map { "\($0.line):\($0.column): \($0.message)" }
    } catch {
        return ["unexpected error type: \(error)"]
    }
}
