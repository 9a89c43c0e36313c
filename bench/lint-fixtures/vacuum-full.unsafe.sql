-- squawk: prefer-repack | aludel: vacuum-full
VACUUM FULL accounts;
