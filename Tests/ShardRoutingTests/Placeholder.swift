import Testing
@testable import ShardRouting
