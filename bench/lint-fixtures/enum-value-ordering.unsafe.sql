-- squawk: require-enum-value-ordering | aludel: enum-value-position
ALTER TYPE mood ADD VALUE 'meh';
