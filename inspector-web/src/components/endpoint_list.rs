use ringmq_core::snapshot::EndpointSnapshot;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EndpointListProps {
    pub endpoints: Vec<EndpointSnapshot>,
}

/// A socket's endpoints, bound ones marked apart from connected ones.
#[component]
pub fn EndpointList(props: &EndpointListProps) -> Html {
    html! {
        <span class="endpoints">
            { for props.endpoints.iter().map(|e| {
                let bind = e.kind == "bind";
                html! {
                    <span class={classes!("endpoint", if bind { "bind" } else { "connect" })} title={e.kind.clone()}>
                        <span class="kind">{ if bind { "bind" } else { "conn" } }</span>{ e.endpoint.clone() }
                    </span>
                }
            }) }
            if props.endpoints.is_empty() {
                <span class="dim">{ "no endpoint" }</span>
            }
        </span>
    }
}
