-- message = "Env specific email index"
-- revision = "e6b2d4f8a0c3"
-- down_revision = "c1f9a7e3b5d2"
-- create_date = "2023-12-01 18:00:00"
-- template = true
-- transactional = false

-- CREATE INDEX CONCURRENTLY cannot run inside a transaction, so this revision runs without one.
-- migrate:upgrade
{% if env == "production" and dialect == "postgresql" %}
CREATE INDEX CONCURRENTLY ix_users_email_prod ON users (email);
{% else %}
CREATE INDEX ix_users_email_dev ON users (email);
{% endif %}

-- migrate:downgrade
{% if env == "production" and dialect == "postgresql" %}
DROP INDEX CONCURRENTLY ix_users_email_prod;
{% else %}
DROP INDEX ix_users_email_dev;
{% endif %}
