import MySQLWire
import PluginAPI
import SleetConfig

/// `plugins.auth_file`: users listed in the config, checked with `mysql_native_password`.
public struct AuthFilePlugin: AuthenticationPlugin {
    public static let name = "auth_file"
    public var kind: PluginKind { .auth }

    private let users: [String: AuthFileSettings.User]

    public init(settings: AuthFileSettings) {
        var m: [String: AuthFileSettings.User] = [:]
        for u in settings.users { m[u.user] = u }
        users = m
    }

    public func authenticate(_ request: AuthRequest) -> AuthOutcome {
        guard let u = users[request.user] else { return .rejected }
        guard AuthScramble.verifyNativePassword(token: request.token, scramble: request.scramble, storedHash: u.passwordHash) else {
            return .rejected
        }
        return .accepted(UserAccount(user: u.user, admin: u.admin, readOnly: u.readOnly, tables: u.tables))
    }

    public static let factory = PluginFactory(name: name) { config in
        guard let s = config.plugins.authFile, s.enabled else { return nil }
        return AuthFilePlugin(settings: s)
    }
}
