/// Every secret the guard knows, as one table, written from each provider's published
/// token format. Order matters only where prefixes overlap: the more specific first
/// (`sk-ant-` before `sk-`). Each rule has at least one case in the test corpus
/// (`Tests/Fixtures/secrets`, checked by `SecretCorpusTests`).
public enum SecretRules {
    static let all: [SecretRule] = privateKeys + cloud + codeHosting + chat + registries + payments + ai + services + generic

    /// Every rule's id, in table order, each once (a rule may take two table rows).
    public static let ids: [String] = all.map(\.id).reduce(into: []) { ids, id in if !ids.contains(id) { ids.append(id) } }

    /// The rule with this id, if there is one.
    static func rule(_ id: String) -> SecretRule? { all.first { $0.id == id } }

    public static func kind(of id: String) -> String? { rule(id)?.kind }

    // MARK: - Private keys, in every encoding

    static let privateKeys: [SecretRule] = [
        SecretRule("openssh-private-key", "an OpenSSH private key", prefixes: ["-----BEGIN "], boundary: false,
                   .check { SecretDetectors.pemLabel($0, $1, $2) == "OPENSSH PRIVATE KEY" }),
        SecretRule("pgp-private-key", "a PGP private key block", prefixes: ["-----BEGIN "], boundary: false,
                   .check { SecretDetectors.pemLabel($0, $1, $2) == "PGP PRIVATE KEY BLOCK" }),
        SecretRule("pem-private-key", "a private key", prefixes: ["-----BEGIN "], boundary: false,
                   .check { SecretDetectors.pemLabel($0, $1, $2)?.hasSuffix("PRIVATE KEY") == true }),
        SecretRule("putty-private-key", "a PuTTY private key", prefixes: ["PuTTY-User-Key-File-"],
                   .check { bytes, start, length in
                       ByteClass.digits.contains(bytes.at(start + length)) && bytes.at(start + length + 1) == UInt8(ascii: ":")
                   }),
        // "-----BEGIN" in base64, as kubeconfig's client-key-data and other YAML/JSON hold a PEM.
        SecretRule("base64-private-key", "a base64-encoded private key", prefixes: ["LS0tLS1CRUdJTi"],
                   .check(SecretDetectors.base64PrivateKey)),
        // A PFX: SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data or signedData … } }.
        SecretRule("pkcs12", "a PKCS#12 key store", bytePrefixes: (0x80...0x84).map { [0x30, $0] }, boundary: false,
                   .check(SecretDetectors.pkcs12)),
        SecretRule("age-secret-key", "an age secret key", prefixes: ["AGE-SECRET-KEY-1"], .token(.bech32, count: 58...58)),
    ]

    // MARK: - Cloud

    static let cloud: [SecretRule] = [
        SecretRule("aws-access-key-id", "an AWS access key id", prefixes: ["AKIA", "ASIA"], .token(.upperAlphanumeric, count: 16...16)),
        SecretRule("aws-secret-access-key", "an AWS secret access key", prefixes: [], .reportedByAssignment),
        SecretRule("gcp-service-account", "a Google Cloud service-account key", prefixes: ["\"private_key_id\""], boundary: false,
                   .check(SecretDetectors.serviceAccountKeyID)),
        SecretRule("google-api-key", "a Google API key", prefixes: ["AIza"], .token(.urlSafe, count: 35...35)),
        SecretRule("google-oauth-client-secret", "a Google OAuth client secret", prefixes: ["GOCSPX-"], .token(.urlSafe, count: 28...28)),
        SecretRule("google-oauth-token", "a Google OAuth access token", prefixes: ["ya29."], .token(.urlSafe, count: 30...Int.max)),
        SecretRule("azure-storage-key", "an Azure storage account key", prefixes: ["AccountKey="],
                   .check { bytes, start, length in
                       bytes.run(from: start + length, atMost: 87, in: .base64) == 86 && bytes.hasPrefix("==", at: start + length + 86)
                   }),
        SecretRule("azure-sas-token", "an Azure SAS token", prefixes: ["?sig=", "&sig="], boundary: false,
                   .token(ByteClass("%+/=").union(.alphanumeric), count: 40...Int.max)),
        SecretRule("azure-client-secret", "an Azure AD client secret", prefixes: ["Q~"], boundary: false,
                   .check(SecretDetectors.azureClientSecret)),
    ]

    // MARK: - Code hosting

    static let codeHosting: [SecretRule] = [
        SecretRule("github-token", "a GitHub token", prefixes: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
                   .token(.alphanumeric, count: 20...Int.max)),
        SecretRule("github-fine-grained-token", "a GitHub fine-grained token", prefixes: ["github_pat_"],
                   .token(.word, count: 20...Int.max)),
        SecretRule("gitlab-token", "a GitLab token",
                   prefixes: ["glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "gloas-", "glsoat-", "glft-", "glimt-", "glagent-", "glffct-"],
                   .token(.urlSafe, count: 20...Int.max)),
        SecretRule("gitlab-runner-token", "a GitLab runner registration token", prefixes: ["GR1348941"], .token(.urlSafe, count: 20...Int.max)),
        SecretRule("bitbucket-app-password", "a Bitbucket app password", prefixes: ["ATBB"], .token(.alphanumeric, count: 28...Int.max)),
    ]

    // MARK: - Chat

    static let chat: [SecretRule] = [
        SecretRule("slack-token", "a Slack token", prefixes: ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xapp-"],
                   .token(ByteClass("-").union(.alphanumeric), count: 10...Int.max)),
        SecretRule("slack-webhook", "a Slack webhook URL", prefixes: ["hooks.slack.com/services/"], boundary: false,
                   .token(ByteClass("/").union(.alphanumeric), count: 30...Int.max)),
        // A bot token starts with the bot's id in base64: a snowflake's first digit "1"…"9".
        SecretRule("discord-bot-token", "a Discord bot token", prefixes: ["MT", "Mj", "Mz", "ND", "NT", "Nj", "Nz", "OD", "OT"],
                   .check(SecretDetectors.discordBotToken)),
        SecretRule("discord-webhook", "a Discord webhook URL", prefixes: ["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
                   boundary: false, .check { bytes, start, length in
                       let id = bytes.run(from: start + length, atMost: 24, in: .digits)
                       return id >= 15 && bytes.at(start + length + id) == UInt8(ascii: "/")
                           && bytes.run(from: start + length + id + 1, atMost: 60, in: .urlSafe) >= 60
                   }),
        SecretRule("telegram-bot-token", "a Telegram bot token", prefixes: [":AA"], boundary: false,
                   .check(SecretDetectors.telegramBotToken)),
    ]

    // MARK: - Package registries

    static let registries: [SecretRule] = [
        SecretRule("npm-token", "an npm token", prefixes: ["npm_"], .token(.alphanumeric, count: 36...Int.max)),
        SecretRule("pypi-token", "a PyPI token", prefixes: ["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"],
                   .token(.urlSafe, count: 50...Int.max)),
        SecretRule("rubygems-key", "a RubyGems API key", prefixes: ["rubygems_"], .token(.lowerHex, count: 48...48)),
        SecretRule("nuget-key", "a NuGet API key", prefixes: ["oy2"], .token(.lowerAlphanumeric, count: 43...43)),
        SecretRule("docker-hub-token", "a Docker Hub access token", prefixes: ["dckr_pat_", "dckr_oat_"], .token(.urlSafe, count: 20...Int.max)),
        SecretRule("docker-registry-auth", "a Docker registry login", prefixes: [], .reportedByAssignment),
        SecretRule("crates-io-token", "a crates.io token", prefixes: ["cio"], .token(.alphanumeric, count: 32...32)),
    ]

    // MARK: - Payments and AI

    static let payments: [SecretRule] = [
        SecretRule("stripe-key", "a Stripe secret key", prefixes: ["sk_live_", "rk_live_", "sk_prod_", "rk_prod_"],
                   .token(.alphanumeric, count: 24...Int.max)),
    ]

    static let ai: [SecretRule] = [
        SecretRule("anthropic-api-key", "an Anthropic API key", prefixes: ["sk-ant-"], .token(.urlSafe, count: 32...Int.max)),
        SecretRule("openai-api-key", "an OpenAI API key", prefixes: ["sk-proj-", "sk-svcacct-", "sk-admin-"], .token(.urlSafe, count: 20...Int.max)),
        // The legacy form: "sk-", 20 characters, "T3BlbkFJ" ("OpenAI" in base64), 20 more.
        SecretRule("openai-api-key", "an OpenAI API key", prefixes: ["sk-"],
                   .check { bytes, start, length in
                       bytes.run(from: start + length, atMost: 49, in: .alphanumeric) == 48 && bytes.hasPrefix("T3BlbkFJ", at: start + length + 20)
                   }),
        SecretRule("huggingface-token", "a Hugging Face token", prefixes: ["hf_"], .token(.letters, count: 30...Int.max)),
    ]

    // MARK: - Services

    static let services: [SecretRule] = [
        SecretRule("twilio-api-key", "a Twilio API key", prefixes: ["SK"], .token(.lowerHex, count: 32...32)),
        SecretRule("sendgrid-api-key", "a SendGrid API key", prefixes: ["SG."],
                   .check { bytes, start, length in
                       bytes.run(from: start + length, atMost: 23, in: .urlSafe) == 22 && bytes.at(start + length + 22) == UInt8(ascii: ".")
                           && bytes.run(from: start + length + 23, atMost: 44, in: .urlSafe) == 43
                   }),
        SecretRule("mailgun-api-key", "a Mailgun API key", prefixes: ["key-"], .token(.lowerHex, count: 32...32)),
        SecretRule("heroku-api-key", "a Heroku API key", prefixes: ["HRKU-"], .token(.urlSafe, count: 20...Int.max)),
        SecretRule("digitalocean-token", "a DigitalOcean token", prefixes: ["dop_v1_", "doo_v1_", "dor_v1_"], .token(.lowerHex, count: 64...64)),
        SecretRule("shopify-token", "a Shopify access token", prefixes: ["shpat_", "shpca_", "shppa_", "shpss_"], .token(.hex, count: 32...32)),
        SecretRule("atlassian-api-token", "an Atlassian API token", prefixes: ["ATATT3"],
                   .token(ByteClass("=").union(.urlSafe), count: 100...Int.max)),
        SecretRule("linear-api-key", "a Linear API key", prefixes: ["lin_api_"], .token(.alphanumeric, count: 40...Int.max)),
        SecretRule("notion-token", "a Notion integration token", prefixes: ["ntn_"], .token(.alphanumeric, count: 40...Int.max)),
        SecretRule("notion-token", "a Notion integration token", prefixes: ["secret_"], .token(.alphanumeric, count: 43...43)),
        SecretRule("vault-token", "a HashiCorp Vault token", prefixes: ["hvs.", "hvb.", "hvr."], .token(.urlSafe, count: 24...Int.max)),
        SecretRule("doppler-token", "a Doppler token", prefixes: ["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."],
                   .token(.alphanumeric, count: 40...Int.max)),
        SecretRule("onepassword-service-account", "a 1Password service-account token", prefixes: ["ops_eyJ"],
                   .token(ByteClass("=").union(.base64).union(.urlSafe), count: 50...Int.max)),
        SecretRule("jwt", "a JSON Web Token", prefixes: ["eyJ"], .check(SecretDetectors.jsonWebToken)),
    ]

    // MARK: - Credentials without a prefix of their own

    static let generic: [SecretRule] = [
        SecretRule("url-password", "a URL with an embedded password", prefixes: ["://"], boundary: false,
                   .container(SecretDetectors.urlPassword)),
        SecretRule("netrc-password", "a .netrc password", prefixes: ["password"], .container(SecretDetectors.netrcPassword)),
        SecretRule("pgpass-entry", "a PostgreSQL password-file entry", prefixes: (0...9).map { ":\($0)" } + [":*"], boundary: false,
                   .container(SecretDetectors.pgpassPassword)),
        SecretRule("generic-secret", "a credential assigned to a secret-named key", prefixes: ["=", ":"], boundary: false,
                   .assignment),
    ]
}
