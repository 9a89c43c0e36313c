-- squawk: identifier-too-long | aludel: identifier-too-long
CREATE TABLE a_table_whose_name_goes_on_and_on_well_past_what_postgres_keeps_x (id bigint);
