-- squawk: ban-drop-database | aludel: drop-database
DROP DATABASE analytics;
