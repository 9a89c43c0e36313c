use super::*;

fn split(sql: &str, backend: Backend) -> Vec<Statement> {
    split_statements(sql, 1, backend).unwrap()
}

fn texts(sql: &str, backend: Backend) -> Vec<String> {
    split(sql, backend).into_iter().map(|s| s.sql).collect()
}

const ALL: [Backend; 3] = [Backend::Sqlite, Backend::Postgres, Backend::MySql];

#[test]
fn simple_statements_with_lines() {
    for backend in ALL {
        let statements = split(
            "CREATE TABLE a (id INTEGER);\n\nCREATE TABLE b (\n  id INTEGER\n);\nDROP TABLE c",
            backend,
        );
        assert_eq!(
            statements,
            vec![
                Statement {
                    sql: "CREATE TABLE a (id INTEGER)".into(),
                    line: 1,
                    batch: false
                },
                Statement {
                    sql: "CREATE TABLE b (\n  id INTEGER\n)".into(),
                    line: 3,
                    batch: false
                },
                Statement {
                    sql: "DROP TABLE c".into(),
                    line: 6,
                    batch: false
                },
            ],
            "{backend}"
        );
    }
}

#[test]
fn first_line_offsets_lines() {
    let statements = split_statements("\n\nSELECT 1;\nSELECT 2;", 40, Backend::Sqlite).unwrap();
    assert_eq!(statements[0].line, 42);
    assert_eq!(statements[1].line, 43);
}

#[test]
fn line_is_that_of_the_first_token_not_of_leading_comments() {
    let statements = split(
        "-- create it\n/* multi\nline */\nCREATE TABLE t (x INT);",
        Backend::Sqlite,
    );
    assert_eq!(statements.len(), 1);
    assert_eq!(statements[0].line, 4);
    assert_eq!(statements[0].sql, "CREATE TABLE t (x INT)");
}

#[test]
fn comment_only_and_empty_statements_are_dropped() {
    for backend in ALL {
        assert!(split("", backend).is_empty());
        assert!(split("  \n -- nothing here\n/* nor here */\n", backend).is_empty());
        assert_eq!(
            texts(";;SELECT 1;; -- trailing\n", backend),
            vec!["SELECT 1"]
        );
    }
}

#[test]
fn text_is_kept_exactly_as_written_including_inner_comments() {
    let sql = "SELECT  1 , -- one\n  'it''s' /* two */ AS \"Quoted \"\" Name\" ;";
    assert_eq!(
        texts(sql, Backend::Postgres),
        vec!["SELECT  1 , -- one\n  'it''s' /* two */ AS \"Quoted \"\" Name\""]
    );
}

#[test]
fn trailing_comment_before_semicolon_is_not_part_of_the_statement() {
    assert_eq!(
        texts("SELECT 1 -- note\n;", Backend::Sqlite),
        vec!["SELECT 1"]
    );
}

#[test]
fn semicolons_inside_strings_identifiers_and_comments() {
    for backend in ALL {
        let sql =
            "INSERT INTO t VALUES ('a;b', 'c'';d'); -- x; y\n/* ; */ SELECT \"semi;colon\" FROM t;";
        assert_eq!(
            texts(sql, backend),
            vec![
                "INSERT INTO t VALUES ('a;b', 'c'';d')",
                "SELECT \"semi;colon\" FROM t"
            ],
            "{backend}"
        );
    }
    assert_eq!(
        texts("SELECT `a;b` FROM t; SELECT 2", Backend::MySql),
        vec!["SELECT `a;b` FROM t", "SELECT 2"]
    );
    assert_eq!(
        texts("SELECT [a;b] FROM t; SELECT 2", Backend::Sqlite).len(),
        2
    );
}

#[test]
fn postgres_dollar_quoted_bodies() {
    let sql = r#"
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN
        CREATE TYPE mood AS ENUM ('sad', 'ok');
    END IF;
END
$$;
CREATE FUNCTION add(a integer, b integer) RETURNS integer AS $body$
BEGIN
    RETURN a + b; -- ; inside
END;
$body$ LANGUAGE plpgsql;
CREATE FUNCTION nested() RETURNS text AS $outer$ SELECT $inner$;$inner$ $outer$ LANGUAGE sql;
SELECT 1"#;
    let statements = split(sql, Backend::Postgres);
    assert_eq!(statements.len(), 4, "{statements:#?}");
    assert!(statements[0].sql.starts_with("DO $$") && statements[0].sql.ends_with("END\n$$"));
    assert_eq!(statements[0].line, 2);
    assert!(statements[1].sql.starts_with("CREATE FUNCTION add"));
    assert!(statements[1].sql.ends_with("$body$ LANGUAGE plpgsql"));
    assert_eq!(statements[1].line, 9);
    assert!(statements[2].sql.ends_with("$outer$ LANGUAGE sql"));
    assert_eq!(statements[3].sql, "SELECT 1");
}

#[test]
fn postgres_escape_strings_and_backslashes() {
    let sql = r"SELECT E'it\'s; fine'; SELECT 'C:\path\'; SELECT 3";
    assert_eq!(
        texts(sql, Backend::Postgres),
        vec![r"SELECT E'it\'s; fine'", r"SELECT 'C:\path\'", "SELECT 3"]
    );
}

#[test]
fn mysql_backslash_escapes_in_strings() {
    let sql = r#"INSERT INTO t VALUES ('it\'s; ok', "dq\";x"); SELECT 2"#;
    assert_eq!(
        texts(sql, Backend::MySql),
        vec![
            r#"INSERT INTO t VALUES ('it\'s; ok', "dq\";x")"#,
            "SELECT 2"
        ]
    );
}

#[test]
fn mysql_hash_comments() {
    assert_eq!(
        texts(
            "# a comment; here\nSELECT 1; # x;\nSELECT 2",
            Backend::MySql
        ),
        vec!["SELECT 1", "SELECT 2"]
    );
}

#[test]
fn postgres_nested_block_comments() {
    let sql = "/* outer /* inner; */ still comment; */ SELECT 1; SELECT 2";
    assert_eq!(texts(sql, Backend::Postgres), vec!["SELECT 1", "SELECT 2"]);
}

#[test]
fn sqlite_trigger_body() {
    let sql = "CREATE TABLE t (x INTEGER, y INTEGER);
CREATE TRIGGER trg AFTER UPDATE ON t
FOR EACH ROW WHEN NEW.x > 0
BEGIN
    UPDATE t SET y = CASE WHEN NEW.x > 10 THEN 1 ELSE 0 END WHERE rowid = NEW.rowid;
    INSERT INTO log VALUES ('changed; really');
END;
DROP TABLE u;";
    let statements = split(sql, Backend::Sqlite);
    assert_eq!(statements.len(), 3, "{statements:#?}");
    assert!(statements[1].sql.starts_with("CREATE TRIGGER trg"));
    assert!(statements[1].sql.ends_with("END"));
    assert_eq!(statements[1].line, 2);
    assert_eq!(statements[2].sql, "DROP TABLE u");
    assert_eq!(statements[2].line, 8);
}

#[test]
fn mysql_trigger_with_nested_begin_and_if() {
    let sql = "CREATE TRIGGER before_upd BEFORE UPDATE ON accounts FOR EACH ROW
BEGIN
    IF NEW.amount < 0 THEN
        SET NEW.amount = 0;
    ELSEIF NEW.amount > 100 THEN
        BEGIN
            SET NEW.amount = 100;
        END;
    END IF;
END;
SELECT 1;";
    let statements = split(sql, Backend::MySql);
    assert_eq!(statements.len(), 2, "{statements:#?}");
    assert!(statements[0].sql.ends_with("END IF;\nEND"));
    assert_eq!(statements[1].sql, "SELECT 1");
}

#[test]
fn mysql_procedure_with_case_statement_loops_and_labels() {
    let sql = "CREATE PROCEDURE grade(IN score INT, OUT g CHAR(1))
proc: BEGIN
    DECLARE i INT DEFAULT 0;
    CASE
        WHEN score >= 90 THEN SET g = 'A';
        ELSE SET g = 'F';
    END CASE;
    SET g = CASE WHEN g = 'A' THEN 'A' ELSE g END;
    l1: LOOP
        SET i = i + 1;
        IF i > 3 THEN LEAVE l1; END IF;
    END LOOP l1;
    WHILE i > 0 DO SET i = i - 1; END WHILE;
    REPEAT SET i = i + 1; UNTIL i > 2 END REPEAT;
END proc;
CREATE FUNCTION f() RETURNS INT DETERMINISTIC
BEGIN
    RETURN (SELECT CASE WHEN 1 THEN 2 END);
END;
DROP PROCEDURE IF EXISTS old";
    let statements = split(sql, Backend::MySql);
    assert_eq!(statements.len(), 3, "{statements:#?}");
    assert!(statements[0].sql.ends_with("END proc"));
    assert!(statements[1].sql.starts_with("CREATE FUNCTION f()"));
    assert_eq!(statements[2].sql, "DROP PROCEDURE IF EXISTS old");
    assert_eq!(statements[2].line, 20);
}

#[test]
fn mysql_event_body() {
    let sql = "CREATE EVENT purge ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM s WHERE old; DELETE FROM t; END; SELECT 1";
    assert_eq!(split(sql, Backend::MySql).len(), 2);
}

#[test]
fn mariadb_anonymous_block() {
    let sql = "BEGIN NOT ATOMIC\n  DECLARE x INT;\n  SET x = 1;\nEND;\nSELECT 1";
    assert_eq!(
        texts(sql, Backend::MySql),
        vec![
            "BEGIN NOT ATOMIC\n  DECLARE x INT;\n  SET x = 1;\nEND",
            "SELECT 1"
        ]
    );
}

#[test]
fn postgres_begin_atomic_function_body() {
    let sql = "CREATE FUNCTION one() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT CASE WHEN true THEN 1 END;\nEND;\nSELECT 2";
    let statements = split(sql, Backend::Postgres);
    assert_eq!(statements.len(), 2, "{statements:#?}");
    assert!(statements[0].sql.ends_with("END"));
}

#[test]
fn transaction_statements_do_not_open_a_block() {
    for backend in ALL {
        let sql = "BEGIN;\nCREATE TABLE t (x INT);\nCOMMIT;\nBEGIN TRANSACTION;\nSELECT 1;\nEND;\nSTART TRANSACTION;\nSELECT 2;";
        assert_eq!(
            texts(sql, backend),
            vec![
                "BEGIN",
                "CREATE TABLE t (x INT)",
                "COMMIT",
                "BEGIN TRANSACTION",
                "SELECT 1",
                "END",
                "START TRANSACTION",
                "SELECT 2"
            ],
            "{backend}"
        );
    }
}

#[test]
fn case_expression_outside_blocks() {
    for backend in ALL {
        let sql = "SELECT CASE WHEN x THEN 'a;' ELSE 'b' END FROM t; SELECT 2";
        assert_eq!(texts(sql, backend).len(), 2, "{backend}");
    }
}

#[test]
fn begin_used_as_a_column_name_does_not_swallow_the_rest() {
    let sql =
        "CREATE TABLE spans (begin INTEGER, \"end\" INTEGER);\nSELECT begin FROM spans;\nSELECT 3";
    assert_eq!(split(sql, Backend::Sqlite).len(), 3);
}

#[test]
fn semicolon_inside_parentheses_does_not_split() {
    let sql = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 1";
    assert_eq!(split(sql, Backend::Postgres).len(), 2);
}

#[test]
fn batch_marker_marks_the_next_statement_only() {
    let sql = "CREATE INDEX i ON t (x);\n-- migrate:batch\nUPDATE t SET x = 0 WHERE id IN (SELECT id FROM t WHERE x IS NULL LIMIT 1000);\nSELECT 1;";
    let statements = split(sql, Backend::Sqlite);
    assert_eq!(
        statements.iter().map(|s| s.batch).collect::<Vec<_>>(),
        vec![false, true, false]
    );
    assert_eq!(statements[1].line, 3);
    assert!(statements[1].sql.starts_with("UPDATE"));
}

#[test]
fn batch_marker_survives_blank_lines_and_other_comments() {
    let sql = "-- migrate:batch\n\n-- backfill\nUPDATE t SET x = 1 WHERE x IS NULL";
    assert!(split(sql, Backend::Postgres)[0].batch);
    // A marker inside a statement is an ordinary comment.
    let sql = "UPDATE t\n-- migrate:batch\nSET x = 1;";
    assert!(!split(sql, Backend::Postgres)[0].batch);
}

#[test]
fn crlf_and_non_ascii_text() {
    let sql = "INSERT INTO t VALUES ('héllo; wörld');\r\nSELECT 'ü';\r\n";
    let statements = split(sql, Backend::Sqlite);
    assert_eq!(statements[0].sql, "INSERT INTO t VALUES ('héllo; wörld')");
    assert_eq!(statements[1].sql, "SELECT 'ü'");
    assert_eq!(statements[1].line, 2);
}

#[test]
fn unterminated_quote_is_an_error_with_the_line() {
    for backend in ALL {
        let error = split_statements("SELECT 1;\n\nSELECT 'oops;\n", 10, backend).unwrap_err();
        match error {
            Error::Script { line, message, .. } => {
                assert!((12..=13).contains(&line), "{backend}: line {line}");
                assert!(message.contains("cannot split statements"), "{message}");
            }
            other => panic!("expected a script error, got {other:?}"),
        }
    }
}

#[test]
fn unterminated_dollar_body_and_comment_are_errors() {
    assert!(split_statements("DO $$ BEGIN", 1, Backend::Postgres).is_err());
    assert!(split_statements("SELECT 1; /* open", 1, Backend::Postgres).is_err());
}

#[test]
fn mysql_client_delimiter_blocks() {
    let sql = "SELECT 1;\nDELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT ';//'; END //\n\
               -- a comment // not a delimiter\nCREATE FUNCTION f() RETURNS INT RETURN 1//\n\
               DELIMITER ;\nSELECT 2; SELECT 3;\ndelimiter $$\nCREATE TRIGGER t BEFORE INSERT ON x \
               FOR EACH ROW BEGIN SET NEW.a = '$$'; END $$\n$$\nDELIMITER ;\nSELECT 4";
    for backend in ALL {
        let statements = split_statements(sql, 5, backend).unwrap();
        let got: Vec<(usize, &str)> = statements
            .iter()
            .map(|s| (s.line, s.sql.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (5, "SELECT 1"),
                (7, "CREATE PROCEDURE p() BEGIN SELECT ';//'; END"),
                (9, "CREATE FUNCTION f() RETURNS INT RETURN 1"),
                (11, "SELECT 2"),
                (11, "SELECT 3"),
                (
                    13,
                    "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = '$$'; END"
                ),
                (16, "SELECT 4"),
            ],
            "{backend}"
        );
    }
    // A column called delimiter is fine.
    assert_eq!(
        split("SELECT delimiter FROM t; SELECT 2", Backend::MySql).len(),
        2
    );
}

#[test]
fn mysqldump_triggers_and_executable_comments() {
    let sql = "/*!40101 SET NAMES utf8mb4 */;\n/*!50003 SET sql_mode = 'STRICT_TRANS_TABLES' */ ;\n\
               DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `t` \
               BEFORE INSERT ON `x` FOR EACH ROW BEGIN SET NEW.a = 1; END */;;\nDELIMITER ;\n/* plain */;";
    let got = texts(sql, Backend::MySql);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0], "/*!40101 SET NAMES utf8mb4 */");
    assert_eq!(got[1], "/*!50003 SET sql_mode = 'STRICT_TRANS_TABLES' */");
    assert!(got[2].starts_with("/*!50003 CREATE*/") && got[2].ends_with("END */"));
}

#[test]
fn delimiter_without_a_delimiter_or_mid_line_is_an_error() {
    for sql in ["SELECT 1;\nDELIMITER\n", "SELECT 1;\nDELIMITER  \n"] {
        match split_statements(sql, 1, Backend::MySql) {
            Err(Error::Script {
                line: 2, message, ..
            }) => assert!(message.contains("DELIMITER")),
            other => panic!("{other:?}"),
        }
    }
    match split_statements("SELECT 1; DELIMITER //", 1, Backend::MySql) {
        Err(Error::Script {
            line: 1, message, ..
        }) => {
            assert!(message.contains("must start its own line"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn executable_comments_are_mysql_only() {
    let sql = "/*! not for this database */;\nSELECT 1;";
    assert_eq!(texts(sql, Backend::MySql).len(), 2);
    assert_eq!(texts(sql, Backend::Postgres), ["SELECT 1"]);
    assert_eq!(texts(sql, Backend::Sqlite), ["SELECT 1"]);
}
