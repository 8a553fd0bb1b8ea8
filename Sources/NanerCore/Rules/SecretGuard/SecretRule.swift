/// One kind of secret the guard knows, as data: an id, the words a message uses,
/// the literal texts a match starts with (the prefilter's keys), and what must follow.
struct SecretRule: Sendable {
    typealias Check = @Sendable (_ bytes: SecretBytes, _ start: Int, _ prefixLength: Int) -> Bool
    /// Where the credential a container holds lies (a URL's password, `.netrc`'s value), or nil.
    typealias Container = @Sendable (_ bytes: SecretBytes, _ start: Int, _ prefixLength: Int) -> Range<Int>?

    enum Body: Sendable {
        /// After the prefix, `count` bytes of `alphabet`; with a finite upper bound, no
        /// more of them than that (the byte after is read to tell). `Int.max`: at least.
        case token(ByteClass, count: ClosedRange<Int>)
        /// A check of its own, given the view and where the prefix starts.
        case check(Check)
        /// A place that holds a credential of any shape (a URL's password part): a provider's
        /// token found inside it names the secret, this rule only when none is.
        case container(Container)
        /// `KEY = value` with a key named like a secret (`SecretAssignment`), which also
        /// reports the rules found through it (`reportedByAssignment`).
        case assignment
        /// Found only by the assignment detector (an AWS secret key, a Docker login).
        case reportedByAssignment
    }

    let id: String
    let kind: String
    let prefixes: [[UInt8]]
    /// Whether the byte before the prefix must be no letter, digit or `_`.
    let boundary: Bool
    let body: Body

    init(_ id: String, _ kind: String, prefixes: [String], boundary: Bool = true, _ body: Body) {
        self.init(id, kind, bytePrefixes: prefixes.map { Array($0.utf8) }, boundary: boundary, body)
    }

    init(_ id: String, _ kind: String, bytePrefixes: [[UInt8]], boundary: Bool = true, _ body: Body) {
        self.id = id
        self.kind = kind
        self.prefixes = bytePrefixes
        self.boundary = boundary
        self.body = body
    }

    /// Whether the rule matches a prefix at `start` (its prefix already compared).
    func matches(_ bytes: SecretBytes, at start: Int, prefixLength: Int) -> Bool {
        if boundary && !bytes.isBoundary(before: start) { return false }
        switch body {
        case .token(let alphabet, let count):
            let bounded = count.upperBound != Int.max
            let found = bytes.run(from: start + prefixLength, atMost: bounded ? count.upperBound + 1 : count.lowerBound, in: alphabet)
            return bounded ? count.contains(found) : found >= count.lowerBound
        case .check(let check):
            return check(bytes, start, prefixLength)
        case .container(let container):
            return container(bytes, start, prefixLength) != nil
        case .assignment, .reportedByAssignment:
            return false
        }
    }
}
