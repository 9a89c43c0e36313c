use std::path::Path;

use super::*;

fn parse(text: &str) -> DatabaseUrl {
    DatabaseUrl::parse(text, Path::new("/project")).unwrap()
}

fn parse_err(text: &str) -> (String, String) {
    match DatabaseUrl::parse(text, Path::new("/project")) {
        Err(Error::Url { url, reason }) => (url, reason),
        other => panic!("expected a URL error for {text}, got {other:?}"),
    }
}

#[test]
fn sqlite_relative_path_is_relative_to_base() {
    let url = parse("sqlite:///app.db");
    assert_eq!(url.backend(), Backend::Sqlite);
    assert_eq!(url.sqlite_path(), Some(Path::new("/project/app.db")));
    let url = parse("sqlite:///./data/../app.db");
    assert_eq!(url.sqlite_path(), Some(Path::new("/project/app.db")));
    let url = parse("sqlite:///sub/dir/x.sqlite3");
    assert_eq!(
        url.sqlite_path(),
        Some(Path::new("/project/sub/dir/x.sqlite3"))
    );
}

#[test]
fn sqlite_four_slashes_is_absolute() {
    let url = parse("sqlite:////var/lib/app.db");
    assert_eq!(url.sqlite_path(), Some(Path::new("/var/lib/app.db")));
    assert_eq!(url.connect_string(), "sqlite:///var/lib/app.db?mode=rwc");
    assert_eq!(url.to_string(), "sqlite:////var/lib/app.db");
}

#[test]
fn sqlite_memory_forms() {
    for text in [
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite::memory:",
        "sqlite://:memory:",
    ] {
        let url = parse(text);
        assert!(url.is_memory(), "{text}");
        assert_eq!(url.sqlite_path(), None, "{text}");
        assert_eq!(url.connect_string(), "sqlite::memory:", "{text}");
        assert_eq!(url.to_string(), "sqlite:///:memory:", "{text}");
    }
}

#[test]
fn sqlite_driver_suffix_and_sqlx_forms() {
    let url = parse("sqlite+pysqlite:///app.db");
    assert_eq!(url.sqlite_path(), Some(Path::new("/project/app.db")));
    assert!(parse("sqlite::memory:").is_memory());
}

#[test]
fn a_sqlite_file_named_without_three_slashes_is_an_error_listing_the_forms() {
    // Each of these used to open ./x.db quietly, creating an empty database (issue 10).
    for text in [
        "sqlite:/x.db",
        "sqlite://x.db",
        "sqlite:x.db",
        "SQLITE:x.db",
        "sqlite+pysqlite://x.db",
        "sqlite://x.db?mode=rwc",
    ] {
        let (url, reason) = parse_err(text);
        assert_eq!(url, text, "{reason}");
        for form in [
            "sqlite:///relative/path.db",
            "sqlite:////absolute/path.db",
            "sqlite://",
        ] {
            assert!(reason.contains(form), "{text}: {reason}");
        }
    }
}

#[test]
fn sqlite_query_is_kept_and_mode_not_duplicated() {
    let url = parse("sqlite:///app.db?mode=ro");
    assert_eq!(url.connect_string(), "sqlite:///project/app.db?mode=ro");
    let url = parse("sqlite:///app.db?cache=shared");
    assert_eq!(
        url.connect_string(),
        "sqlite:///project/app.db?cache=shared&mode=rwc"
    );
    assert_eq!(url.to_string(), "sqlite:////project/app.db?cache=shared");
}

#[test]
fn sqlite_path_with_url_syntax_is_encoded_for_sqlx() {
    let url = parse("sqlite:////tmp/a%3Fb%25c.db");
    assert_eq!(url.sqlite_path(), Some(Path::new("/tmp/a?b%c.db")));
    assert_eq!(url.connect_string(), "sqlite:///tmp/a%3Fb%25c.db?mode=rwc");
}

#[test]
fn sqlite_with_database_swaps_the_file_name() {
    let url = parse("sqlite:///data/app.db?cache=shared");
    let other = url.with_database("scratch.db");
    assert_eq!(
        other.sqlite_path(),
        Some(Path::new("/project/data/scratch.db"))
    );
    assert_eq!(
        other.connect_string(),
        "sqlite:///project/data/scratch.db?cache=shared&mode=rwc"
    );
    assert!(parse("sqlite://").with_database("x.db").is_memory());
    assert_eq!(url.database(), None);
}

#[test]
fn postgres_full_url() {
    let url = parse("postgresql://user:pass@db.example.com:5433/shop?sslmode=require");
    assert_eq!(url.backend(), Backend::Postgres);
    assert_eq!(url.database(), Some("shop"));
    assert_eq!(
        url.connect_string(),
        "postgres://user:pass@db.example.com:5433/shop?sslmode=require"
    );
    assert_eq!(
        url.to_string(),
        "postgresql://user:***@db.example.com:5433/shop?sslmode=require"
    );
    assert_eq!(format!("{url:?}"), url.to_string());
}

#[test]
fn postgres_scheme_spellings_and_driver_suffixes() {
    for text in [
        "postgres://u@h/d",
        "postgresql://u@h/d",
        "postgresql+psycopg2://u@h/d",
        "postgresql+asyncpg://u@h/d",
        "PostgreSQL://u@h/d",
    ] {
        let url = parse(text);
        assert_eq!(url.backend(), Backend::Postgres, "{text}");
        assert_eq!(url.connect_string(), "postgres://u@h/d", "{text}");
    }
    assert_eq!(
        parse("postgresql+psycopg2://u@h/d").to_string(),
        "postgresql://u@h/d"
    );
}

#[test]
fn mysql_and_mariadb() {
    let url = parse("mysql+pymysql://root:pw@localhost:3306/app?charset=utf8mb4");
    assert_eq!(url.backend(), Backend::MySql);
    assert_eq!(
        url.connect_string(),
        "mysql://root:pw@localhost:3306/app?charset=utf8mb4"
    );
    let url = parse("mariadb://root:pw@localhost/app");
    assert_eq!(url.backend(), Backend::MySql);
    assert_eq!(url.connect_string(), "mysql://root:pw@localhost/app");
    assert_eq!(url.to_string(), "mariadb://root:***@localhost/app");
    let url = parse("mariadb+mariadbconnector://root@localhost/app");
    assert_eq!(url.connect_string(), "mysql://root@localhost/app");
}

#[test]
fn mysql_unix_socket_parameter_is_renamed_for_sqlx() {
    let url =
        parse("mysql+pymysql://root@/app?unix_socket=/run/mysqld/mysqld.sock&charset=utf8mb4");
    assert_eq!(
        url.connect_string(),
        "mysql://root@/app?socket=/run/mysqld/mysqld.sock&charset=utf8mb4"
    );
}

#[test]
fn percent_encoded_credentials_are_decoded_and_reencoded() {
    let url = parse("postgresql://us%40er:p%40ss%3Aw%2Fd@host/db");
    assert_eq!(
        url.connect_string(),
        "postgres://us%40er:p%40ss%3Aw%2Fd@host/db"
    );
    assert_eq!(url.to_string(), "postgresql://us%40er:***@host/db");
    match &url.kind {
        Kind::Server(server) => {
            assert_eq!(server.user.as_deref(), Some("us@er"));
            assert_eq!(server.password.as_deref(), Some("p@ss:w/d"));
        }
        Kind::Sqlite { .. } => panic!("not a server URL"),
    }
}

#[test]
fn unencoded_at_sign_in_password_uses_last_at() {
    let url = parse("postgresql://user:p@ss@host:5432/db");
    assert_eq!(url.to_string(), "postgresql://user:***@host:5432/db");
    assert_eq!(url.connect_string(), "postgres://user:p%40ss@host:5432/db");
}

#[test]
fn unix_socket_in_query() {
    let url = parse("postgresql:///mydb?host=/var/run/postgresql");
    assert_eq!(url.database(), Some("mydb"));
    assert_eq!(
        url.connect_string(),
        "postgres:///mydb?host=/var/run/postgresql"
    );
    assert_eq!(
        url.to_string(),
        "postgresql:///mydb?host=/var/run/postgresql"
    );
}

#[test]
fn ipv6_host_and_no_database() {
    let url = parse("postgresql://u:p@[::1]:5432");
    assert_eq!(url.database(), None);
    assert_eq!(url.connect_string(), "postgres://u:p@[::1]:5432");
    let url = parse("postgresql://[::1]/db");
    assert_eq!(url.connect_string(), "postgres://[::1]/db");
}

#[test]
fn password_query_parameter_is_masked() {
    let url = parse("postgresql://u@h/db?password=hunter2&sslmode=require");
    assert_eq!(
        url.to_string(),
        "postgresql://u@h/db?password=***&sslmode=require"
    );
    assert!(url.connect_string().contains("password=hunter2"));
}

#[test]
fn with_database_swaps_the_server_database() {
    let url = parse("postgresql://u:secret@h:5432/app?sslmode=require");
    let scratch = url.with_database("aludel_scratch");
    assert_eq!(scratch.database(), Some("aludel_scratch"));
    assert_eq!(
        scratch.connect_string(),
        "postgres://u:secret@h:5432/aludel_scratch?sslmode=require"
    );
    let url = parse("mysql://root@localhost");
    assert_eq!(
        url.with_database("x").connect_string(),
        "mysql://root@localhost/x"
    );
}

#[test]
fn errors_mask_the_password() {
    let (url, reason) = parse_err("oracle://scott:tiger@host/db");
    assert_eq!(url, "oracle://scott:***@host/db");
    assert!(reason.contains("unsupported scheme 'oracle'"), "{reason}");
    let (url, reason) = parse_err("postgresql://scott:tiger@host:notaport/db");
    assert_eq!(url, "postgresql://scott:***@host:notaport/db");
    assert!(reason.contains("invalid port 'notaport'"), "{reason}");
    let (url, _) = parse_err("postgresql://u@h:x/db?password=tiger");
    assert_eq!(url, "postgresql://u@h:x/db?password=***");
    let error = DatabaseUrl::parse("mysql://a:tiger@h:99999/db", Path::new("/")).unwrap_err();
    assert!(!error.to_string().contains("tiger"), "{error}");
}

#[test]
fn text_without_a_scheme_is_refused() {
    let (_, reason) = parse_err("app.db");
    assert!(reason.contains("expected a URL"), "{reason}");
    parse_err("");
}

#[test]
fn backend_names() {
    assert_eq!(Backend::Sqlite.name(), "sqlite");
    assert_eq!(Backend::Postgres.to_string(), "postgresql");
    assert_eq!(Backend::MySql.name(), "mysql");
}

#[test]
fn at_sign_in_the_query_is_not_the_userinfo() {
    let url = parse("postgresql://u:pw@h/db?application_name=me@work");
    assert_eq!(
        url.to_string(),
        "postgresql://u:***@h/db?application_name=me@work"
    );
    assert_eq!(url.database(), Some("db"));
    let url = parse("postgresql://h/db?application_name=me@work");
    assert_eq!(
        url.to_string(),
        "postgresql://h/db?application_name=me@work"
    );
    let url = parse("postgresql://u:p?w@h/db");
    assert_eq!(url.connect_string(), "postgres://u:p%3Fw@h/db");
}
