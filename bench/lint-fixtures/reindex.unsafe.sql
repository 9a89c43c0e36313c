-- squawk: require-concurrent-reindex | aludel: reindex-non-concurrent
REINDEX INDEX accounts_email_idx;
