-- What the statistics keep of people whose data was erased (/hapus, a refusal, the retention
-- job): counts per value, never per person, added to the live figures by /statistik so that
-- totals and breakdowns do not drop when the people behind them go. dimension: started,
-- registered, outcome, stage, kecamatan, destination (first choice), interest, day (the
-- local day a registration was sent); value: the code counted ('' where it has none).
CREATE TABLE erased_counts (
    dimension TEXT NOT NULL,
    value     TEXT NOT NULL DEFAULT '',
    n         INTEGER NOT NULL,
    PRIMARY KEY (dimension, value)
);
