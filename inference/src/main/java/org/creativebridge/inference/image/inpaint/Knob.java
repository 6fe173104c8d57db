package org.creativebridge.inference.image.inpaint;
final class Knob { static double d(String n, double v) { return Double.parseDouble(System.getProperty("pm." + n, Double.toString(v))); } }
