fn main() {
    ringmq_inspector_web::start();
}
