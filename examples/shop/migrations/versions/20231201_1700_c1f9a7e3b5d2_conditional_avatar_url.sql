-- message = "Conditional avatar url"
-- revision = "c1f9a7e3b5d2"
-- down_revision = "a4c8e2d6f0b1"
-- create_date = "2023-12-01 17:00:00"
-- template = true

-- migrate:upgrade
{% if not has_column("users", "avatar_url") %}
ALTER TABLE users ADD COLUMN avatar_url VARCHAR(255);
{% endif %}

-- migrate:downgrade
{% if has_column("users", "avatar_url") %}
ALTER TABLE users DROP COLUMN avatar_url;
{% endif %}
