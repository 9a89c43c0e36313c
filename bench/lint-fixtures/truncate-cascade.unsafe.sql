-- squawk: ban-truncate-cascade | aludel: truncate-cascade
TRUNCATE accounts CASCADE;
