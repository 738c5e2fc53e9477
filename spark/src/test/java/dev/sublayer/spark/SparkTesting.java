package dev.sublayer.spark;

import org.apache.spark.SparkConf;

/** Spark settings for tests on one small machine: no UI, little memory, loopback only. */
final class SparkTesting {

    private SparkTesting() {
    }

    static SparkConf conf(String master) {
        return new SparkConf(false)
                .setMaster(master)
                .setAppName("sublayer-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .set("spark.task.maxFailures", "4");
    }
}
