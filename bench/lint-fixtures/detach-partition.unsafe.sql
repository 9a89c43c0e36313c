-- squawk: require-concurrent-detach-partition | aludel: detach-partition-non-concurrent
ALTER TABLE measurements DETACH PARTITION measurements_2020;
