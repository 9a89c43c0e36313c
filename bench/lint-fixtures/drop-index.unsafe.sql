-- squawk: require-concurrent-index-deletion | aludel: drop-index-non-concurrent
DROP INDEX accounts_email_idx;
